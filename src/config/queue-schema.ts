import { z } from 'zod';
import { positiveInt } from './positive-int.js';

/** Finished jobs kept: at most `count` of them, none older than `ageSeconds`; either may be left out. */
const retentionSchema = (what: string) =>
  z
    .object({
      /** Jobs finished longer ago than this are removed. @defaultValue none */
      ageSeconds: positiveInt('seconds').optional(),
      /** Only the newest this many are kept. @defaultValue none */
      count: z.number({ error: 'must be a number (jobs)' }).int('must be a whole number').min(0).optional(),
    })
    .strict()
    .refine(
      (retention) => retention.ageSeconds !== undefined || retention.count !== undefined,
      `give ageSeconds, count or both (how long, or how many ${what} are kept)`,
    );
export type RetentionConfig = z.infer<ReturnType<typeof retentionSchema>>;

export const queueSchema = z
  .object({
    /** BullMQ queue name (and Redis key prefix part). @defaultValue breakwater */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
      .default('breakwater'),
    /** Jobs one worker process runs at once. @defaultValue 50 */
    concurrency: positiveInt('jobs').default(50),
    /**
     * BullMQ queues the jobs are spread over, each its own Redis Cluster hash tag, so a cluster's
     * masters share them; workers take from every shard, the API reads them as one. @defaultValue 1
     */
    shards: positiveInt('queues')
      .max(64, 'must be at most 64')
      .default(1)
      .describe('BullMQ queues (each its own cluster hash tag) the jobs are spread over.'),
    /** Attempts a job may spend on failures while some provider is still up. @defaultValue 5 */
    attempts: positiveInt('attempts').default(5),
    /** First retry delay; doubles each attempt, with jitter. @defaultValue 1000 */
    backoffMs: positiveInt('milliseconds').default(1_000),
    /**
     * A deferred job's own timer fires this long after its providers admit a probe. Normally it is
     * woken before: when the probe succeeds, deferred jobs are released in a ramp. @defaultValue 60000
     */
    deferralSafetyMs: positiveInt('milliseconds').default(60_000),
    /** Time between the ramp's batches of woken jobs (1, 2, 4, 8… jobs). @defaultValue 250 */
    wakeRampIntervalMs: positiveInt('milliseconds').default(250),
    /**
     * A running job's lock; its worker renews it every half of this, however long the LLM call
     * takes. A job whose worker died is taken back once the lock runs out. @defaultValue 60000
     */
    lockDurationMs: positiveInt('milliseconds')
      .default(60_000)
      .describe("How long a running job's lock lasts without renewal (renewed every half)."),
    /** How often workers look for jobs whose lock ran out (their worker died). @defaultValue 30000 */
    stalledIntervalMs: positiveInt('milliseconds')
      .default(30_000)
      .describe('How often workers look for jobs whose worker died, to return them to the queue.'),
    /**
     * Times a job may lose its worker (crash, kill -9, OOM) and be returned to the queue before it is
     * failed as stalled: a job that keeps killing its workers is a poison job, and each death re-runs
     * every call its worker had in flight. @defaultValue 2
     */
    maxStalledCount: positiveInt('times')
      .default(2)
      .describe('Worker deaths a job survives (returned to the queue) before it is failed as stalled.'),
    /** How long, and how many, completed jobs are kept. @defaultValue { ageSeconds: 604800 } (7 days) */
    keepCompleted: retentionSchema('completed jobs').default({ ageSeconds: 7 * 24 * 3600 }),
    /** How long, and how many, failed jobs are kept. @defaultValue { ageSeconds: 2592000 } (30 days) */
    keepFailed: retentionSchema('failed jobs').default({ ageSeconds: 30 * 24 * 3600 }),
  })
  .strict();
export type QueueConfig = z.infer<typeof queueSchema>;
