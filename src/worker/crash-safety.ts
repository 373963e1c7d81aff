import type { WorkerOptions } from 'bullmq';
import type { QueueConfig } from '../config/schema.js';

/**
 * The BullMQ worker settings that decide what happens to a job when its worker dies mid-call. The
 * lock is renewed every half of its duration by the worker's own timer, so a long LLM call keeps
 * it; only a dead (or frozen) worker lets it run out. Then any worker's stalled check, every
 * `stalledIntervalMs`, returns the job to the queue with no attempt spent, up to `maxStalledCount`
 * times.
 */
export function crashSafety(
  queue: Pick<QueueConfig, 'lockDurationMs' | 'stalledIntervalMs' | 'maxStalledCount'>,
): Pick<WorkerOptions, 'lockDuration' | 'lockRenewTime' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    lockDuration: queue.lockDurationMs,
    lockRenewTime: Math.max(1, Math.floor(queue.lockDurationMs / 2)),
    stalledInterval: queue.stalledIntervalMs,
    maxStalledCount: queue.maxStalledCount,
  };
}
