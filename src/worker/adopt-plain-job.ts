import type { Job } from 'bullmq';
import type { QueueConfig } from '../config/schema.js';
import type { JobData } from '../queue/job-input.js';
import { backoffType, jobOptions } from '../queue/job-options.js';

/**
 * A job added with plain BullMQ and no options (`queue.add('x', { prompt })`) would run with one
 * attempt, no backoff and no retention. The worker gives it Breakwater's own options for this run —
 * in memory: BullMQ decides retries and retention from the options of the job it is finishing, and a
 * retried job is adopted again on its next run. Options the producer did set are kept.
 */
export function adoptPlainJob(job: Job<JobData>, queue: QueueConfig): void {
  const backoff = job.opts.backoff;
  if (typeof backoff === 'object' && backoff.type === backoffType) return;
  const { attempts, backoff: breakwaterBackoff, ...retention } = jobOptions({ onAllOpen: 'defer' }, queue);
  job.opts = { ...retention, ...job.opts };
  if (job.opts.attempts === undefined || job.opts.attempts <= 1) {
    if (attempts !== undefined) job.opts.attempts = attempts;
  }
  if (breakwaterBackoff !== undefined) job.opts.backoff = breakwaterBackoff;
}
