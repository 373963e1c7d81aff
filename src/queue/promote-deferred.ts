import { Job, type Worker } from 'bullmq';
import { readProgress } from './deferral.js';

/** BullMQ keeps a delayed job's due time in the score, shifted left 12 bits for ordering. */
export const delayedScoreShift = 0x1000;

/**
 * Wakes a deferred job now. Only a job that still sits in the delayed set at exactly the time its
 * last deferral recorded is woken: one that already ran, or now waits for a retry's backoff, is not.
 */
export async function promoteDeferred(worker: Worker, jobId: string): Promise<boolean> {
  const job = await Job.fromId(worker, jobId);
  if (!job) return false;
  const client = await worker.client;
  const score = await client.zscore(worker.keys.delayed as string, jobId);
  const dueAt = score === null ? undefined : Math.floor(Number(score) / delayedScoreShift);
  if (dueAt === undefined || dueAt !== readProgress(job.progress).deferredUntil) return false;
  return job.promote().then(
    () => true,
    () => false,
  );
}
