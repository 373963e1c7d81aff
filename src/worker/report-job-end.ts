import {
  DelayedError,
  Job,
  type MinimalQueue,
  RateLimitError,
  UnrecoverableError,
  WaitingChildrenError,
} from 'bullmq';
import type { WebhookEventType } from '../contract/job.js';

/** Told when a job ends for good; called before BullMQ records the end, so a crash repeats the call. */
export type JobEndListener = (job: Job, type: WebhookEventType) => Promise<void>;

type Run<RunJob extends Job, Result> = (job: RunJob, token?: string, signal?: AbortSignal) => Promise<Result>;

/**
 * Wraps a processor so that a job's end — completed, or failed for good — is reported once the run
 * decided it: never for a retry, a deferral or a hand-back. A listener that fails is logged by the
 * caller's `onError`, never allowed to fail or delay the job itself.
 */
export function reportingEnds<RunJob extends Job, Result>(
  run: Run<RunJob, Result>,
  listener: JobEndListener,
  onError: (error: unknown, job: RunJob) => void,
): Run<RunJob, Result> {
  const report = (job: RunJob, type: WebhookEventType) =>
    listener(job, type).catch((error: unknown) => onError(error, job));
  return async (job, token, signal) => {
    let result: Result;
    try {
      result = await run(job, token, signal);
    } catch (error) {
      if (endsJob(error, job)) await report(job, 'job.failed');
      throw error;
    }
    await report(job, 'job.completed');
    return result;
  };
}

/** Whether an error thrown by a run fails the job for good (BullMQ's own rule). */
export function endsJob(error: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  if (
    error instanceof DelayedError ||
    error instanceof RateLimitError ||
    error instanceof WaitingChildrenError
  ) {
    return false;
  }
  if (error instanceof UnrecoverableError || (error as { name?: unknown })?.name === 'UnrecoverableError') {
    return true;
  }
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * A job whose worker died too often (`queue.maxStalledCount`) is failed by BullMQ's stalled check,
 * outside any run: the worker only says it stalled. When the stalled job is found failed, its end is
 * reported like any other (a second report of one end is delivered once).
 */
export async function reportStalledEnd(
  queue: MinimalQueue,
  jobId: string,
  listener: JobEndListener,
): Promise<void> {
  const job = await Job.fromId(queue, jobId);
  if (job && (await job.getState()) === 'failed') await listener(job, 'job.failed');
}
