import type { BreakwaterConfig } from '../config/schema.js';
import { batchCostUsd } from '../pricing/batch-cost.js';
import { costUsd } from '../pricing/cost.js';
import type { BatchClient, BatchItem, BatchItemOutcome } from '../providers/batch/batch-client.js';
import { customIdOf, flushDue } from './batch-policy.js';
import type { BatchRecord, ItemOutcome } from './batch-record.js';
import { batchView } from './batch-view.js';
import {
  type BatchCoordinatorDeps,
  type CoordinatorContext,
  coordinatorContext,
} from './coordinator-context.js';
import { endBatch, failBatch } from './end-batch.js';
import { handOutcomes, logToJobs } from './hand-outcomes.js';
import { batchAttempt, failedSubmit, itemOutcome } from './item-outcome.js';

export type { BatchCoordinatorDeps } from './coordinator-context.js';

/**
 * Runs in every worker and drives every batch of the fleet, whichever worker collected it: submits
 * a collection when it is due, polls running batches, and hands each ended batch's results to its
 * jobs. Every step is leased in Redis and idempotent, so a worker that dies mid-step leaves it for
 * another to redo.
 */
export class BatchCoordinator {
  readonly #deps: BatchCoordinatorDeps;
  readonly #context: CoordinatorContext;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #closed = false;

  constructor(deps: BatchCoordinatorDeps) {
    this.#deps = deps;
    this.#context = coordinatorContext(deps);
  }

  start(): void {
    const tickMs = this.#deps.tickMs ?? defaultTickMs(this.#deps.config);
    this.#timer = setInterval(() => {
      if (this.#tick) return;
      this.#tick = this.tick()
        .catch((error: unknown) =>
          this.#deps.logger.warn({ err: error }, 'batch coordination failed; retried next tick'),
        )
        .finally(() => {
          this.#tick = undefined;
        });
    }, tickMs);
    this.#timer.unref();
  }

  /** Stops ticking and waits for a step in flight. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#tick;
  }

  /** One pass: claim due collections, then advance every open batch. */
  async tick(): Promise<void> {
    const { store } = this.#deps;
    const claimed: string[] = [];
    for (const collection of await store.collections()) {
      const config = this.#context.batchConfig(collection.provider);
      if (!config || !flushDue(collection, this.#context.now(), config)) continue;
      const id = await store.claim(
        collection,
        config,
        this.#deps.worker,
        this.#context.leaseMs(collection.provider),
        this.#context.now(),
      );
      if (id) {
        claimed.push(id);
        const record = await store.record(id);
        if (record) this.#context.show((board) => board.opened(batchView(record)));
      }
    }
    await Promise.all(claimed.map((id) => this.#submit(id, true)));
    const open = await store.openBatches();
    await Promise.all(open.filter((id) => !claimed.includes(id)).map((id) => this.#advance(id)));
  }

  async #advance(id: string): Promise<void> {
    if (this.#closed) return;
    const record = await this.#deps.store.record(id);
    if (!record) return;
    switch (record.status) {
      case 'submitting':
        // A retried submit waiting for a provider batch that may be its own to end asks again then.
        if ((record.nextPollAt ?? 0) <= this.#context.now()) await this.#submit(id, false);
        return;
      case 'in-progress':
        if ((record.nextPollAt ?? 0) <= this.#context.now()) await this.#leased(record, () => this.#poll(id));
        return;
      case 'applying':
        if ((record.nextPollAt ?? 0) <= this.#context.now())
          await this.#leased(record, () => this.#apply(id));
        return;
      default:
        // Finished, but still in the open set (a worker died between the two writes).
        return this.#deps.store.finish(id, {});
    }
  }

  async #leased(record: BatchRecord, step: () => Promise<void>): Promise<void> {
    const { store, worker } = this.#deps;
    if (!(await store.lease(record.id, worker, this.#context.leaseMs(record.provider)))) return;
    try {
      await step();
    } finally {
      await store.release(record.id, worker);
    }
  }

  /**
   * Uploads and creates the provider batch, through the provider's breaker: a failure is a failed
   * call of that provider, and the batch's jobs go on down their chains. A batch whose submission
   * was started before (by a worker that died) is looked for at the provider first.
   */
  async #submit(id: string, leased: boolean): Promise<void> {
    const { store, worker } = this.#deps;
    const record = await store.record(id);
    if (record?.status !== 'submitting') return;
    if (!leased && !(await store.lease(id, worker, this.#context.leaseMs(record.provider)))) return;
    try {
      const tries = await store.submitAttempt(id);
      const client = this.#deps.client(record.provider);
      const items = batchItems(await store.items(id));
      const search =
        tries > 1
          ? await client.find({ tag: id, since: record.createdAt, items })
          : ({ kind: 'absent' } as const);
      if (search.kind === 'undecided') {
        // Never submit while a provider batch that may be this one runs: ask again after a poll.
        const pollIntervalMs = this.#context.pollIntervalMs(record.provider);
        await store.update(id, { nextPollAt: this.#context.now() + pollIntervalMs });
        this.#deps.logger.info(
          { batch: id, provider: record.provider, candidates: search.candidates },
          'batch submission waits: a provider batch that may be this one is still running',
        );
        return;
      }
      let providerBatchId = search.kind === 'found' ? search.providerBatchId : undefined;
      if (providerBatchId === undefined) {
        if (!(await store.renew(id, worker, this.#context.leaseMs(record.provider)))) return;
        const started = this.#context.now();
        const call = await this.#deps.circuits
          .get(record.provider)
          .call(() => client.submit(id, record.model, items));
        if (call.kind !== 'ok') {
          const attempt = failedSubmit(record, call, started, this.#context.now());
          this.#deps.logger.warn(
            { batch: id, provider: record.provider, error: attempt.error },
            'batch not submitted: its jobs go on down their chains',
          );
          return failBatch(this.#context, record, attempt.error ?? 'not submitted', attempt);
        }
        providerBatchId = call.value;
      }
      const now = this.#context.now();
      await store.update(id, {
        status: 'in-progress',
        providerBatchId,
        submittedAt: now,
        nextPollAt: now + this.#context.pollIntervalMs(record.provider),
      });
      this.#deps.logger.info(
        { batch: id, providerBatchId, provider: record.provider, jobs: record.total },
        'batch submitted',
      );
      this.#context.show((board) => board.log(id, `submitted to ${record.provider} as ${providerBatchId}`));
      const line = `in provider batch ${id} (${record.provider} ${providerBatchId}), submitted ${new Date(now).toISOString()}`;
      await logToJobs(this.#context, [...(await store.items(id)).keys()], () => line);
    } catch (error) {
      // Left in `submitting`: the next tick (here or in another worker) looks for it and retries.
      this.#deps.logger.warn({ err: error, batch: id }, 'batch submission interrupted; retried');
    } finally {
      await store.release(id, worker);
    }
  }

  async #poll(id: string): Promise<void> {
    const { store } = this.#deps;
    const record = await store.record(id);
    if (record?.status !== 'in-progress' || record.providerBatchId === undefined) return;
    const pollIntervalMs = this.#context.pollIntervalMs(record.provider);
    let status: Awaited<ReturnType<BatchClient['status']>>;
    try {
      status = await this.#deps.client(record.provider).status(record.providerBatchId);
    } catch (error) {
      this.#deps.logger.warn({ err: error, batch: id }, 'batch status not read; asked again next poll');
      return store.update(id, { nextPollAt: this.#context.now() + pollIntervalMs });
    }
    switch (status.state) {
      case 'in-progress':
        return store.update(id, { nextPollAt: this.#context.now() + pollIntervalMs });
      case 'failed': {
        const attempt = batchAttempt(record, this.#context.now(), {
          outcome: 'retryable',
          errorClass: 'batch-failed',
          error: `the provider failed the batch: ${status.reason}`,
        });
        return failBatch(this.#context, record, status.reason, attempt);
      }
      case 'ended':
      case 'expired':
      case 'cancelled':
        await store.update(id, { status: 'applying', ending: status.state });
        return this.#apply(id);
      default:
        throw new Error(`unknown batch status ${JSON.stringify(status satisfies never)}`);
    }
  }

  /** Hands each item's outcome to its job and wakes it; repeatable until the batch is marked finished. */
  async #apply(id: string): Promise<void> {
    const { store } = this.#deps;
    const record = await store.record(id);
    if (record?.status !== 'applying' || record.providerBatchId === undefined) return;
    const requests = await store.items(id);
    const items = batchItems(requests);
    const jobOf = new Map([...requests.keys()].map((jobId) => [customIdOf(jobId), jobId]));
    let outcomes: BatchItemOutcome[];
    try {
      outcomes = await this.#deps
        .client(record.provider)
        .results(record.providerBatchId, record.model, items, record.id);
    } catch (error) {
      this.#deps.logger.warn({ err: error, batch: id }, 'batch results not read; read again next poll');
      const pollIntervalMs = this.#context.pollIntervalMs(record.provider);
      return store.update(id, { nextPollAt: this.#context.now() + pollIntervalMs });
    }
    const endedAt = this.#context.now();
    const submittedAt = record.submittedAt ?? record.createdAt;
    const tally = { succeeded: 0, errored: 0, expired: 0, costUsd: 0, listCostUsd: 0 };
    const handed: Array<[string, ItemOutcome]> = [];
    for (const outcome of outcomes) {
      const jobId = jobOf.get(outcome.customId);
      if (jobId === undefined) continue;
      const item = itemOutcome(record, outcome, submittedAt, endedAt);
      if (item.kind === 'ok') {
        tally.succeeded += 1;
        tally.costUsd += batchCostUsd(record.model, item.result.usage, this.#deps.config.pricing) ?? 0;
        tally.listCostUsd += costUsd(record.model, item.result.usage, this.#deps.config.pricing) ?? 0;
      } else if (outcome.kind === 'errored') tally.errored += 1;
      else tally.expired += 1;
      handed.push([jobId, item]);
    }
    await handOutcomes(this.#context, handed);
    const finished = {
      ...tally,
      costUsd: Math.round(tally.costUsd * 1e9) / 1e9,
      listCostUsd: Math.round(tally.listCostUsd * 1e9) / 1e9,
      status: record.ending ?? 'ended',
      endedAt,
    } as const;
    await endBatch(this.#context, record, finished);
    this.#deps.logger.info({ batch: id, ...finished }, 'batch ended; its jobs were handed their results');
  }
}

function defaultTickMs(config: BreakwaterConfig): number {
  const periods = Object.values(config.providers).flatMap((provider) => [
    provider.batch.pollIntervalMs,
    provider.batch.maxWaitMs / 4,
  ]);
  return Math.max(100, Math.min(1_000, ...periods));
}

function batchItems(requests: ReadonlyMap<string, BatchItem['request']>): BatchItem[] {
  return [...requests].map(([jobId, request]) => ({ customId: customIdOf(jobId), request }));
}
