import { randomUUID } from 'node:crypto';
import type { BatchConfig } from '../config/schema.js';
import type { CompletionRequest } from '../providers/completion.js';
import type { BreakwaterKeys } from '../redis/breakwater-keys.js';
import { replyOneOf } from '../redis/lua-script.js';
import type { RedisClient } from '../redis/redis-client.js';
import {
  type BatchRecord,
  type BatchStatus,
  batchStatuses,
  type ItemOutcome,
  type JobBatchState,
} from './batch-record.js';
import { claimScript, joinScript, leaveScript, releaseScript, renewScript } from './batch-scripts.js';

/** A provider and model jobs are collected for. */
export interface CollectionKey {
  provider: string;
  model: string;
}

/** Batch state in Redis, under the queue's keys: collections, batch records, each job's place. */
export class BatchStore {
  constructor(
    readonly redis: RedisClient,
    readonly keys: BreakwaterKeys,
  ) {}

  /** Adds a job to its provider and model's collection, once: 'exists' when it already has a batch record. */
  async join(
    jobId: string,
    state: Pick<JobBatchState, 'provider' | 'model' | 'index' | 'joinedAt'>,
    request: CompletionRequest,
    ttlMs: number,
  ): Promise<'joined' | 'exists'> {
    const reply = await joinScript.run(
      this.redis,
      [
        this.keys.batchJob(jobId),
        this.keys.batchCollect(state.provider, state.model),
        this.keys.batchPending(state.provider, state.model),
        this.keys.batchCollecting,
      ],
      { jobId, ...state, request: JSON.stringify(request), ttlMs: Math.round(ttlMs), pair: pairOf(state) },
    );
    return replyOneOf(reply, ['joined', 'exists'], 'batch join');
  }

  async jobState(jobId: string): Promise<JobBatchState | undefined> {
    const fields = await this.redis.hgetall(this.keys.batchJob(jobId));
    if (fields.provider === undefined || fields.model === undefined) return undefined;
    return {
      provider: fields.provider,
      model: fields.model,
      index: Number(fields.index ?? 0),
      joinedAt: Number(fields.joinedAt ?? 0),
      ...(fields.batchId === undefined ? {} : { batchId: fields.batchId }),
      ...(fields.outcome === undefined ? {} : { outcome: JSON.parse(fields.outcome) as ItemOutcome }),
    };
  }

  async setOutcome(jobId: string, outcome: ItemOutcome): Promise<void> {
    const key = this.keys.batchJob(jobId);
    // Only a job still holding its record: one cancelled meanwhile gets none back.
    if ((await this.redis.exists(key)) === 1) await this.redis.hset(key, 'outcome', JSON.stringify(outcome));
  }

  /** Takes a not-yet-claimed job out of its collection. */
  async leave(
    jobId: string,
    state: Pick<JobBatchState, 'provider' | 'model'>,
  ): Promise<'left' | 'claimed' | 'none'> {
    const reply = await leaveScript.run(
      this.redis,
      [
        this.keys.batchJob(jobId),
        this.keys.batchCollect(state.provider, state.model),
        this.keys.batchPending(state.provider, state.model),
      ],
      { jobId },
    );
    return replyOneOf(reply, ['left', 'claimed', 'none'], 'batch leave');
  }

  /** Every collection with jobs in it: its size and when its oldest job joined. */
  async collections(): Promise<Array<CollectionKey & { count: number; oldestAt: number | undefined }>> {
    const pairs = await this.redis.smembers(this.keys.batchCollecting);
    return Promise.all(
      pairs.map(async (pair) => {
        const [provider = '', model = ''] = pair.split('\n');
        const key = this.keys.batchCollect(provider, model);
        const [count, oldest] = await Promise.all([
          this.redis.zcard(key),
          this.redis.zrange(key, 0, 0, 'WITHSCORES'),
        ]);
        return { provider, model, count, oldestAt: oldest[1] === undefined ? undefined : Number(oldest[1]) };
      }),
    );
  }

  /** Claims a due collection into a new batch leased to this worker; undefined when none was due. */
  async claim(
    collection: CollectionKey,
    config: Pick<BatchConfig, 'maxJobs' | 'maxWaitMs'>,
    worker: string,
    leaseMs: number,
    now: number,
  ): Promise<string | undefined> {
    const batchId = `bat_${randomUUID().replaceAll('-', '')}`;
    const claimed = await claimScript.run(
      this.redis,
      [
        this.keys.batchCollect(collection.provider, collection.model),
        this.keys.batchPending(collection.provider, collection.model),
        this.keys.batch(batchId),
        this.keys.batchItems(batchId),
        this.keys.batches,
        this.keys.batchesOpen,
        this.keys.batchLease(batchId),
        this.keys.batchCollecting,
        this.keys.batchTotals,
      ],
      {
        batchId,
        ...collection,
        now,
        maxJobs: config.maxJobs,
        maxWaitMs: config.maxWaitMs,
        jobPrefix: this.keys.batchJobPrefix,
        queuePrefix: `${this.keys.queueKey}:`,
        worker,
        leaseMs: Math.round(leaseMs),
        pair: pairOf(collection),
      },
    );
    return typeof claimed === 'number' && claimed > 0 ? batchId : undefined;
  }

  async record(batchId: string): Promise<BatchRecord | undefined> {
    return recordOf(await this.redis.hgetall(this.keys.batch(batchId)));
  }

  /** Newest first. */
  async list(limit: number): Promise<BatchRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.batches, 0, limit - 1);
    // One round trip for the page, however many batches it holds.
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.batch(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([error, fields]) => {
      const record = error ? undefined : recordOf(fields as Record<string, string>);
      return record ? [record] : [];
    });
  }

  /** Counts how often a batch's submission was started: after the first, the provider is searched first. */
  async submitAttempt(batchId: string): Promise<number> {
    return this.redis.hincrby(this.keys.batch(batchId), 'submitAttempts', 1);
  }

  async openBatches(): Promise<string[]> {
    return this.redis.smembers(this.keys.batchesOpen);
  }

  async update(batchId: string, fields: Partial<Omit<BatchRecord, 'id'>>): Promise<void> {
    const flat = Object.entries(fields).flatMap(([name, value]) =>
      value === undefined ? [] : [name, String(value)],
    );
    if (flat.length > 0) await this.redis.hset(this.keys.batch(batchId), ...flat);
  }

  /**
   * Records the batch's end, takes it off the open set and adds it to the fleet totals, in one
   * transaction: a worker that dies before it leaves the batch open, to be finished again, never
   * counted twice.
   */
  async finish(batchId: string, fields: Partial<Omit<BatchRecord, 'id'>>): Promise<void> {
    const flat = Object.entries(fields).flatMap(([name, value]) =>
      value === undefined ? [] : [name, String(value)],
    );
    const multi = this.redis.multi();
    if (flat.length > 0) multi.hset(this.keys.batch(batchId), ...flat);
    multi.srem(this.keys.batchesOpen, batchId);
    if (fields.status !== undefined) {
      // The requests are no longer needed once every member has its outcome.
      multi.del(this.keys.batchItems(batchId));
      multi.hincrby(this.keys.batchTotals, `status:${fields.status}`, 1);
      multi.hincrbyfloat(this.keys.batchTotals, 'costUsd', fields.costUsd ?? 0);
      multi.hincrbyfloat(
        this.keys.batchTotals,
        'savedUsd',
        (fields.listCostUsd ?? 0) - (fields.costUsd ?? 0),
      );
    }
    await multi.exec();
  }

  /** Fleet totals: jobs batched, finished batches by status, USD spent and saved. */
  async totals(): Promise<{
    jobsBatched: number;
    costUsd: number;
    savedUsd: number;
    finished: Record<string, number>;
  }> {
    const fields = await this.redis.hgetall(this.keys.batchTotals);
    const finished: Record<string, number> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (name.startsWith('status:')) finished[name.slice('status:'.length)] = Number(value);
    }
    return {
      jobsBatched: Number(fields.jobsBatched ?? 0),
      costUsd: Number(fields.costUsd ?? 0),
      savedUsd: Number(fields.savedUsd ?? 0),
      finished,
    };
  }

  /** Batches not finished yet, by status. */
  async openByStatus(): Promise<Record<string, number>> {
    const records = await Promise.all((await this.openBatches()).map((id) => this.record(id)));
    const counts: Record<string, number> = {};
    for (const record of records) if (record) counts[record.status] = (counts[record.status] ?? 0) + 1;
    return counts;
  }

  /** The batch's members and their requests, by job id. */
  async items(batchId: string): Promise<Map<string, CompletionRequest>> {
    const fields = await this.redis.hgetall(this.keys.batchItems(batchId));
    return new Map(
      Object.entries(fields).map(([jobId, json]) => [jobId, JSON.parse(json) as CompletionRequest]),
    );
  }

  /** Takes the batch's lease for this worker; false when another worker holds it. */
  async lease(batchId: string, worker: string, leaseMs: number): Promise<boolean> {
    return (
      (await this.redis.set(this.keys.batchLease(batchId), worker, 'PX', Math.round(leaseMs), 'NX')) === 'OK'
    );
  }

  /**
   * Whether this worker still holds the batch's lease, which then runs a full `leaseMs` again: a
   * submit that took long to look for its batch still has the whole lease for the call that creates it.
   */
  async renew(batchId: string, worker: string, leaseMs: number): Promise<boolean> {
    const reply = await renewScript.run(this.redis, [this.keys.batchLease(batchId)], {
      worker,
      leaseMs: Math.round(leaseMs),
    });
    return replyOneOf(reply, ['held', 'lost'], 'batch lease renewal') === 'held';
  }

  async release(batchId: string, worker: string): Promise<void> {
    await releaseScript.run(this.redis, [this.keys.batchLease(batchId)], { worker });
  }
}

function pairOf(key: CollectionKey): string {
  return `${key.provider}\n${key.model}`;
}

function recordOf(fields: Record<string, string>): BatchRecord | undefined {
  if (fields.id === undefined || fields.provider === undefined || fields.model === undefined)
    return undefined;
  const status =
    batchStatuses.find((known) => known === fields.status) ?? ('submitting' satisfies BatchStatus);
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const submittedAt = number(fields.submittedAt);
  const endedAt = number(fields.endedAt);
  return {
    id: fields.id,
    provider: fields.provider,
    model: fields.model,
    status,
    ...(fields.providerBatchId === undefined ? {} : { providerBatchId: fields.providerBatchId }),
    createdAt: Number(fields.createdAt ?? 0),
    ...(submittedAt === undefined ? {} : { submittedAt }),
    ...(endedAt === undefined ? {} : { endedAt }),
    ...(fields.reason === undefined ? {} : { reason: fields.reason }),
    total: Number(fields.total ?? 0),
    succeeded: Number(fields.succeeded ?? 0),
    errored: Number(fields.errored ?? 0),
    expired: Number(fields.expired ?? 0),
    costUsd: Number(fields.costUsd ?? 0),
    listCostUsd: Number(fields.listCostUsd ?? 0),
    ...(fields.nextPollAt === undefined ? {} : { nextPollAt: Number(fields.nextPollAt) }),
    ...(fields.ending === 'ended' || fields.ending === 'expired' || fields.ending === 'cancelled'
      ? { ending: fields.ending }
      : {}),
  };
}
