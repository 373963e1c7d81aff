/**
 * For services that add jobs with plain BullMQ rather than the HTTP API or the client:
 *
 *   import { Queue } from 'bullmq';
 *   import { bullQueueName, jobName, jobOptions } from 'breakwater/producer';
 *   await new Queue(bullQueueName('breakwater'), { connection }).add(jobName, { prompt: '…' }, jobOptions());
 *
 * The options are the ones the API gives every job: attempts and Breakwater's backoff (exponential,
 * jittered, Retry-After aware), retention (`queue.keepCompleted` and `queue.keepFailed`: 7 days completed,
 * 30 days failed unless given), a bounded log.
 * Job data is validated by the worker; the API and the client validate before enqueueing instead.
 */
import type { JobsOptions } from 'bullmq';
import { type QueueConfig, queueSchema } from '../config/schema.js';
import type { JobData, JobInput } from '../queue/job-input.js';
import { jobOptions as queueJobOptions } from '../queue/job-options.js';

/**
 * The BullMQ name of the queue named `queue.name` in the config: `bullQueueName('breakwater')` is
 * `{breakwater}`, the Redis Cluster hash tag every key of the queue shares.
 */
export { bullQueueNameOf as bullQueueName } from '../queue/bullmq-internals.js';
export type { JobInput } from '../queue/job-input.js';
/** The job name Breakwater's producers use: `queue.add(jobName, data, jobOptions())`. */
export { jobName } from '../queue/producer.js';

/** The queue settings jobs take their retry policy from; match them to the workers' config. */
export type ProducerQueueSettings = Partial<
  Pick<QueueConfig, 'attempts' | 'backoffMs' | 'keepCompleted' | 'keepFailed'>
>;

/**
 * BullMQ options for one Breakwater job, as the API would give it. Pass the job's `priority`,
 * `delayMs` and `idempotencyKey` (the same key always names the same job), and the config's
 * `queue.attempts`, `queue.backoffMs`, `queue.keepCompleted` and `queue.keepFailed` when they differ
 * from the defaults (5, 1000, 7 days, 30 days).
 */
export function jobOptions(
  job: Pick<JobInput, 'priority' | 'delayMs' | 'idempotencyKey'> = {},
  queue: ProducerQueueSettings = {},
): JobsOptions {
  const scheduling: Pick<JobData, 'priority' | 'delayMs' | 'idempotencyKey'> = {
    ...(job.priority === undefined ? {} : { priority: job.priority }),
    ...(job.delayMs === undefined ? {} : { delayMs: job.delayMs }),
    ...(job.idempotencyKey === undefined ? {} : { idempotencyKey: job.idempotencyKey }),
  };
  // The queue's jobOptions reads only these fields of a job.
  return queueJobOptions(scheduling as JobData, queueSchema.parse(queue));
}
