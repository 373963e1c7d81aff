import type { Queue } from 'bullmq';

export type CancelOutcome =
  | { kind: 'cancelled' }
  | { kind: 'not-found' }
  /** The job is running or finished; only jobs that have not started can be cancelled. */
  | { kind: 'started'; state: string };

const notStarted = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/**
 * Removes a job that has not started. A job a worker takes between the check and the removal is
 * locked, so BullMQ refuses to remove it and the outcome is `started`, never a half-cancelled job.
 */
export async function cancelJob(queue: Queue, id: string): Promise<CancelOutcome> {
  const job = await queue.getJob(id);
  if (!job) return { kind: 'not-found' };
  const state = await job.getState();
  if (state === 'unknown') return { kind: 'not-found' };
  if (!notStarted.has(state)) return { kind: 'started', state };
  if ((await queue.remove(id)) === 1) return { kind: 'cancelled' };
  // Locked by a worker that took it meanwhile, or removed by a concurrent cancel.
  const now = await queue.getJobState(id);
  return now === 'unknown' ? { kind: 'not-found' } : { kind: 'started', state: now };
}
