import { Job, type KeysMap, type RedisQueueBackend, type Worker } from 'bullmq';
import { dueAtOfScore } from './bullmq-internals.js';
import { readProgress } from './deferral.js';

/** When a delayed job is due (epoch ms), from the queue's delayed set; undefined when it is not there. */
export async function delayedDueAt(
  queue: { keys: KeysMap; getBackend(): RedisQueueBackend },
  jobId: string,
): Promise<number | undefined> {
  const client = await queue.getBackend().client;
  const score = await client.zscore(queue.keys.delayed as string, jobId);
  return score === null ? undefined : dueAtOfScore(score);
}

/**
 * Wakes a deferred job now. Only a job that still sits in the delayed set at exactly the time its
 * last deferral recorded is woken: one that already ran, or now waits for a retry's backoff, is not.
 */
export async function promoteDeferred(worker: Worker, jobId: string): Promise<boolean> {
  const job = await Job.fromId(worker, jobId);
  if (!job) return false;
  const dueAt = await delayedDueAt(worker, jobId);
  if (dueAt === undefined || dueAt !== readProgress(job.progress).deferredUntil) return false;
  return job.promote().then(
    () => true,
    () => false,
  );
}
