import { setMaxListeners } from 'node:events';
import { type ConnectionOptions, Worker } from 'bullmq';
import type { CachedRuns } from '../cache/cached-runs.js';
import type { BreakwaterConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { LanguageModelAdapter } from '../providers/completion.js';
import { createBackoffStrategy } from '../queue/backoff.js';
import { boardDelay, boardDelayField, startedAttemptsField } from '../queue/bullmq-internals.js';
import type { JobData } from '../queue/job-input.js';
import { locateShard } from '../queue/locate-shard.js';
import { shardBullNames } from '../queue/shards.js';
import type { CircuitRegistry } from '../resilience/circuit-registry.js';
import { crashSafety } from './crash-safety.js';
import type { JobResult } from './job-result.js';
import { createProcessor, type ProcessorDeps } from './processor.js';
import { reportChildFailure } from './report-child-failure.js';
import { type JobEndListener, reportingEnds, reportStalledEnd } from './report-job-end.js';

export interface BreakwaterWorkerOptions {
  config: BreakwaterConfig;
  connection: ConnectionOptions;
  circuits: CircuitRegistry;
  adapter: (provider: string, model: string) => LanguageModelAdapter;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  deferralJitterMs?: number;
  wake?: ProcessorDeps['wake'];
  stats?: ProcessorDeps['stats'];
  /** Batch entries (`batch: true`); without it they are passed over. */
  batch?: ProcessorDeps['batch'];
  /** Fleet-wide limits and budgets; without it, calls are not paced. */
  admission?: ProcessorDeps['admission'];
  /** Where streamed jobs' partial text goes. */
  deltas?: ProcessorDeps['deltas'];
  /** In-flight jobs get this long to finish on close before their calls are aborted. @defaultValue 30000 */
  closeGraceMs?: number;
  /** Told when a job completes or fails for good (its webhook); never fails the job. */
  onJobEnd?: JobEndListener;
  /** The result cache: hits complete jobs without a call, identical jobs share one call. */
  cache?: CachedRuns;
}

export interface BreakwaterWorker {
  /** The first shard's BullMQ worker: with one shard (`queue.shards`), the only one. */
  readonly worker: Worker<JobData, JobResult>;
  /** One BullMQ worker per shard of the queue, shard 0 first, all running the same processor. */
  readonly workers: readonly Worker<JobData, JobResult>[];
  /** The shard's worker whose queue holds the job; undefined when no shard does. */
  locate(jobId: string): Promise<Worker<JobData, JobResult> | undefined>;
  /** Stops taking jobs, lets in-flight calls finish within the grace period, aborts and returns the rest. Idempotent. */
  close(): Promise<void>;
  /**
   * Lifts a queue-wide pause (a provider closed again): every worker of the queue takes jobs again
   * within a second, instead of sleeping out the pause.
   */
  liftPause(): Promise<void>;
}

/**
 * A manual rate limit is how a worker pauses the whole queue (every provider open). BullMQ only
 * honours it when the worker has a limiter, so this one is set so high it never limits by itself.
 * Its window is 1 ms: BullMQ counts each job in a limiter key that lives for the window, and Bull
 * Board shows any live limiter key as "rate limited" — with a longer window the board would report
 * a rate limit for that long after every job, while only a real pause may show as one.
 */
const pauseOnlyLimiter = { max: 2 ** 52, duration: 1 };

/** The longest a worker sleeps on a queue-wide pause before it looks again. */
const pauseRecheckMs = 1_000;

export function createBreakwaterWorker(options: BreakwaterWorkerOptions): BreakwaterWorker {
  const { config } = options;
  const names = shardBullNames(config.queue.name, config.queue.shards);
  const workers: Worker<JobData, JobResult>[] = [];
  const byName = new Map<string, Worker<JobData, JobResult>>();
  const processor = createProcessor({
    config,
    circuits: options.circuits,
    adapter: options.adapter,
    logger: options.logger,
    pauseQueue: async (durationMs) => {
      options.logger.warn(
        { pauseMs: durationMs },
        'every provider is open: queue paused until one admits a probe',
      );
      await Promise.all(workers.map((worker) => worker.rateLimit(Math.max(1, Math.round(durationMs)))));
    },
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.deferralJitterMs === undefined ? {} : { deferralJitterMs: options.deferralJitterMs }),
    ...(options.wake ? { wake: options.wake } : {}),
    ...(options.stats ? { stats: options.stats } : {}),
    ...(options.batch ? { batch: options.batch } : {}),
    ...(options.cache ? { staleAnswer: options.cache.staleAnswer.bind(options.cache) } : {}),
    ...(options.admission ? { admission: options.admission } : {}),
    ...(options.deltas ? { deltas: options.deltas } : {}),
    showDueTime: async (job, until) => {
      const worker = byName.get(job.queueName);
      if (!worker) return;
      const client = await worker.getBackend().client;
      // The run time Bull Board shows, and a deferral not counted as a started attempt (the job is
      // locked by this worker: nobody else counts a start meanwhile).
      await client.hset(worker.toKey(String(job.id)), {
        [boardDelayField]: boardDelay(job.timestamp, until),
        [startedAttemptsField]: Math.max(0, job.attemptsStarted - 1),
      });
    },
  });
  const onJobEnd = options.onJobEnd;
  const cached = options.cache ? options.cache.wrap(processor) : processor;
  const run = onJobEnd
    ? reportingEnds(cached, onJobEnd, (error, job) =>
        options.logger.warn({ err: error, jobId: job.id }, 'job end not reported to its webhook'),
      )
    : cached;
  // One signal for every run of this worker, aborted when close's grace period ends. The processor
  // BullMQ sees takes two parameters: with a third, BullMQ makes an AbortController for every job.
  const shutdown = new AbortController();
  // Every call in flight listens to it (one listener a call, as many as the concurrency).
  setMaxListeners(0, shutdown.signal);
  const signal = shutdown.signal;
  // The process runs about queue.concurrency jobs at once, shared out over the shards.
  const concurrency = Math.max(1, Math.ceil(config.queue.concurrency / names.length));
  for (const name of names) {
    const worker = new Worker<JobData, JobResult>(name, (job, token) => run(job, token, signal), {
      connection: options.connection,
      concurrency,
      limiter: pauseOnlyLimiter,
      // A paused worker looks again at least this often, so a lifted pause takes effect promptly.
      maximumRateLimitDelay: pauseRecheckMs,
      ...crashSafety(config.queue),
      settings: { backoffStrategy: createBackoffStrategy(options.random ? { random: options.random } : {}) },
    });
    worker.on('error', (error) => options.logger.error({ err: error }, 'worker error'));
    if (onJobEnd) reportEnds(worker, onJobEnd, options.logger);
    workers.push(worker);
    byName.set(name, worker);
  }

  let closing: Promise<void> | undefined;
  return {
    worker: workers[0] as Worker<JobData, JobResult>,
    workers,
    locate: (jobId) => locateShard(workers, jobId),
    async liftPause() {
      await Promise.all(
        workers.map(async (worker) => {
          const client = await worker.getBackend().client;
          await client.del(worker.keys.limiter as string);
        }),
      );
    },
    close() {
      if (closing) return closing;
      closing = (async () => {
        const grace = setTimeout(
          () => shutdown.abort('worker shutting down'),
          options.closeGraceMs ?? 30_000,
        );
        try {
          await Promise.all(workers.map((worker) => worker.close()));
        } finally {
          clearTimeout(grace);
        }
      })();
      return closing;
    },
  };
}

/** Job ends BullMQ decides outside a run (a flow step failing its parent, a stalled job failed). */
function reportEnds(worker: Worker<JobData, JobResult>, onJobEnd: JobEndListener, logger: Logger): void {
  worker.on('failed', (job) => {
    reportChildFailure(job, onJobEnd).catch((error: unknown) =>
      logger.warn({ err: error, jobId: job?.id }, 'flow step end not reported to its webhook'),
    );
  });
  worker.on('stalled', (jobId) => {
    reportStalledEnd(worker, jobId, onJobEnd).catch((error: unknown) =>
      logger.warn({ err: error, jobId }, 'stalled job end not reported to its webhook'),
    );
  });
}
