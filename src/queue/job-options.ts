import { createHash } from 'node:crypto';
import type { JobsOptions, KeepJobs } from 'bullmq';
import type { QueueConfig, RetentionConfig } from '../config/schema.js';
import type { JobData } from './job-input.js';

/** The backoff type Breakwater registers on its workers (exponential, jittered, Retry-After aware). */
export const backoffType = 'breakwater';

/** The most runs a job's log (its timeline, one entry per run) keeps; older ones are dropped first. */
export const maxTimelineRuns = 500;

/** The job id for an idempotency key: the same key always names the same job. */
export function idempotentJobId(key: string): string {
  return `idem-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

export function jobOptions(data: JobData, queue: QueueConfig): JobsOptions {
  return {
    attempts: queue.attempts,
    backoff: { type: backoffType, delay: queue.backoffMs },
    removeOnComplete: keepJobs(queue.keepCompleted),
    removeOnFail: keepJobs(queue.keepFailed),
    // The log is the job's timeline: a job deferred through a long outage keeps its latest runs.
    keepLogs: maxTimelineRuns,
    ...(data.priority === undefined ? {} : { priority: data.priority }),
    ...(data.delayMs ? { delay: data.delayMs } : {}),
    ...(data.idempotencyKey === undefined ? {} : { jobId: idempotentJobId(data.idempotencyKey) }),
  };
}

/**
 * The config's retention as BullMQ's `KeepJobs`: an age in seconds, a count of jobs, or both. The
 * config requires one of them; a count of 0 keeps none.
 */
export function keepJobs(retention: RetentionConfig): KeepJobs {
  if (retention.ageSeconds === undefined) return { count: retention.count ?? 0 };
  return { age: retention.ageSeconds, ...(retention.count === undefined ? {} : { count: retention.count }) };
}
