import type { Job } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { JobBatch } from '../contract/batch.js';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import type { JobQueues } from '../queue/job-queues.js';
import { delayedDueAt } from '../queue/promote-deferred.js';
import { resolveChain } from '../queue/resolve-chain.js';
import { attemptEntry, parseTimeline, type TimelineEntry } from '../queue/timeline.js';
import { openUntilClosed } from '../resilience/availability.js';
import { chainShut } from '../resilience/chain-shut.js';
import type { ProviderRecord } from '../resilience/provider-state.js';
import type { JobResult } from '../worker/job-result.js';
import { isoTime } from './iso-time.js';
import type { JobState, JobView } from './schemas.js';

/** What tells a waiting job held up by open providers from one merely queued. */
export interface ShutCheck {
  config: BreakwaterConfig;
  /** The fleet's breaker records. */
  records: () => Promise<ReadonlyMap<string, ProviderRecord>>;
  now?: () => number;
  /** A batched job's batch (its id, status…), from the batch records. */
  batchOf?: (jobId: string) => Promise<JobBatch | undefined>;
}

/** Where a job is, as users see it; undefined when the id is unknown (or the job was removed). */
export async function jobStatus(
  queues: Pick<JobQueues<JobResult>, 'locate'>,
  id: string,
  shut?: ShutCheck,
): Promise<JobView | undefined> {
  // State first, then the job: a job that finishes in between is read with its result, never as
  // `completed` without one.
  const queue = await queues.locate(id);
  if (!queue) return undefined;
  const bullState = await queue.getJobState(id);
  if (bullState === 'unknown') return undefined;
  const job = await queue.getJob(id);
  if (!job) return undefined;
  const waiting = publicState(bullState) === 'waiting';
  const [dueAt, logs, held] = await Promise.all([
    bullState === 'delayed' ? delayedDueAt(queue, id) : undefined,
    queue.getJobLogs(id),
    waiting && shut ? heldBy(job.data, shut) : undefined,
  ]);
  const view = viewOf(job, bullState, dueAt, withServingCall(parseTimeline(logs.logs), job.returnvalue));
  // A job added with plain BullMQ carries no attempts of its own: the worker gives it the config's.
  if (job.opts.attempts === undefined && shut) view.maxAttempts = shut.config.queue.attempts;
  if (view.state === 'batched') {
    const progress = readProgress(job.progress).batch;
    const batch =
      (await shut?.batchOf?.(id)) ??
      (progress && { provider: progress.provider, model: progress.model, status: 'collecting' as const });
    if (batch) view.batch = batch;
  }
  return held ? { ...view, ...held } : view;
}

/**
 * A waiting job whose chain's providers are all open is not merely queued: the queue is paused, or
 * the worker that takes it will defer it. It reads deferred, with the reason and when the first of
 * them admits a probe, computed from the fleet's records as it is read (nothing is written per job).
 */
async function heldBy(
  data: JobData,
  shut: ShutCheck,
): Promise<Pick<JobView, 'state' | 'reason' | 'nextAttemptAt'> | undefined> {
  const chain = resolveChain(data, shut.config);
  if (chain.kind === 'invalid') return undefined;
  const providers = chain.chain.map((entry) => entry.provider);
  const closed = chainShut(providers, await shut.records(), (shut.now ?? Date.now)());
  if (!closed) return undefined;
  return {
    state: 'deferred',
    reason: closed.reasons.join(', '),
    ...(closed.until >= openUntilClosed ? {} : { nextAttemptAt: new Date(closed.until).toISOString() }),
  };
}

/**
 * A clean first-entry success writes no timeline line: its one attempt lives in the result. The
 * view shows it all the same, so every completed job's timeline ends with the call that served it.
 */
function withServingCall(timeline: TimelineEntry[], result: JobResult | null | undefined): TimelineEntry[] {
  const served = result?.attempts?.at(-1);
  if (!served || timeline.some((entry) => entry.event === 'attempt' && entry.outcome === 'ok'))
    return timeline;
  return [...timeline, attemptEntry(served)];
}

function viewOf(
  job: Job<JobData, JobResult>,
  bullState: string,
  dueAt: number | undefined,
  timeline: TimelineEntry[],
): JobView {
  const progress = readProgress(job.progress);
  // A deferral moves the job to delayed at exactly `deferredUntil`; any later delay (a retry's
  // backoff) has another due time, so a matching due time is what tells deferred from delayed.
  const deferred = bullState === 'delayed' && dueAt !== undefined && dueAt === progress.deferredUntil;
  // A batched job sleeps in the delayed set until its batch wakes it, at latest `batch.until`.
  const batched = bullState === 'delayed' && dueAt !== undefined && dueAt === progress.batch?.until;
  const state = deferred ? 'deferred' : batched ? 'batched' : publicState(bullState);
  const error = state === 'completed' ? undefined : job.failedReason || undefined;
  const nextAttemptAt = batched ? undefined : isoTime(dueAt);
  const finishedAt = job.finishedOn ? isoTime(job.finishedOn) : undefined;
  return {
    id: String(job.id),
    state,
    ...(state === 'completed' ? { result: job.returnvalue } : {}),
    ...(error ? { error } : {}),
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    deferrals: progress.deferrals,
    ...(deferred && progress.reason ? { reason: progress.reason } : {}),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    createdAt: isoTime(job.timestamp) ?? new Date(0).toISOString(),
    ...(finishedAt === undefined ? {} : { finishedAt }),
    ...spent(timeline),
    timeline,
  };
}

/** Tokens and USD over every call that returned an answer; cost is null when any of them had no price. */
function spent(timeline: TimelineEntry[]): Pick<JobView, 'usage' | 'costUsd'> {
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd: number | null = 0;
  let calls = 0;
  for (const entry of timeline) {
    if (entry.event !== 'attempt' || entry.outcome !== 'ok') continue;
    calls += 1;
    inputTokens += entry.inputTokens ?? 0;
    outputTokens += entry.outputTokens ?? 0;
    costUsd =
      costUsd === null || entry.costUsd === null || entry.costUsd === undefined
        ? null
        : costUsd + entry.costUsd;
  }
  if (calls === 0) return {};
  return {
    usage: { inputTokens, outputTokens },
    costUsd: costUsd === null ? null : Math.round(costUsd * 1e9) / 1e9,
  };
}

function publicState(bullState: string): JobState {
  switch (bullState) {
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
      return bullState;
    default:
      // waiting, prioritized and waiting-children all mean "queued, not started yet"
      return 'waiting';
  }
}
