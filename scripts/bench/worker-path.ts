import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { FleetAdmission } from '../../src/admission/fleet-admission.js';
import { readReportedLimits } from '../../src/admission/reported-limits.js';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { FleetMember } from '../../src/fleet/fleet-member.js';
import { createLogger } from '../../src/logging/logger.js';
import type { LanguageModelAdapter } from '../../src/providers/completion.js';
import { bullQueueNameOf, queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { CircuitRegistry } from '../../src/resilience/circuit-registry.js';
import { knownModels } from '../../src/stats/known-models.js';
import { StatsRecorder } from '../../src/stats/stats-recorder.js';
import { StatsStore } from '../../src/stats/stats-store.js';
import { createBreakwaterWorker } from '../../src/worker/create-worker.js';
import { lowest, scriptsPerJob } from './redis-scripts.js';
import { type BenchRow, median } from './stats.js';

/** A provider that answers at once, in process: what is left is Breakwater's own cost. */
const instant: LanguageModelAdapter = {
  provider: 'instant',
  modelId: 'instant',
  complete: async () => ({
    text: 'ok',
    finishReason: 'stop',
    usage: { inputTokens: 3, outputTokens: 1 },
    latencyMs: 0,
  }),
};

function untilCompleted(worker: Worker, count: number): Promise<void> {
  return new Promise((resolve) => {
    let completed = 0;
    worker.on('completed', () => {
      completed += 1;
      if (completed === count) resolve();
    });
  });
}

interface Run {
  jobsPerSecond: number;
  /** Redis scripts per job, from enqueueing the jobs until the worker has closed. */
  scriptsPerJob: number;
}

/** A raw BullMQ no-op worker over the same jobs (same data, same job options). */
async function rawRun(config: BreakwaterConfig, redisUrl: string, admin: Redis, jobs: number): Promise<Run> {
  const name = `bench-raw-${randomUUID()}`;
  const queue = new Queue(name, { connection: connectionOptions(redisUrl) });
  let seconds = 0;
  const scripts = await scriptsPerJob(admin, jobs, async () => {
    await enqueueJobs(queue, { ...config, queue: { ...config.queue, name } }, inputs(jobs));
    const started = performance.now();
    const worker = new Worker(name, async () => 'ok', {
      connection: connectionOptions(redisUrl),
      concurrency: config.queue.concurrency,
    });
    await untilCompleted(worker, jobs);
    seconds = (performance.now() - started) / 1000;
    await worker.close();
  });
  await removeQueue(queue);
  return { jobsPerSecond: jobs / seconds, scriptsPerJob: scripts };
}

/**
 * Breakwater's worker: validation, admission, fleet breaker, chain walk, result with cost, timeline,
 * stats. With no limit configured (and none reported by the provider) admission costs no round trip.
 */
async function breakwaterRun(
  base: BreakwaterConfig,
  redisUrl: string,
  admin: Redis,
  jobs: number,
): Promise<Run> {
  const name = `bench-bw-${randomUUID()}`;
  const config = { ...base, queue: { ...base.queue, name } };
  const queue = new Queue(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
  const logger = createLogger({ level: 'silent' });
  const member = await FleetMember.connect({ config, redisUrl, logger });
  const circuits = new CircuitRegistry({ providers: config.providers, wrap: member.wrap });
  await member.join(async () => false);
  const stats = new StatsRecorder({
    store: new StatsStore({ redis: member.redis, keyPrefix: queueKeyOf(name) }),
    knownModels: knownModels(config),
  });
  const gate = new FleetAdmission({
    redis: member.redis,
    keys: new BreakwaterKeys(queueKeyOf(name)),
    config,
  });
  let seconds = 0;
  // Stats are flushed on close: their scripts belong to these jobs.
  const scripts = await scriptsPerJob(admin, jobs, async () => {
    await enqueueJobs(queue, config, inputs(jobs));
    const started = performance.now();
    const breakwater = createBreakwaterWorker({
      config,
      connection: connectionOptions(redisUrl),
      circuits,
      adapter: () => instant,
      logger,
      wake: member.wake,
      stats,
      admission: { gate, readReported: readReportedLimits },
    });
    await untilCompleted(breakwater.worker, jobs);
    seconds = (performance.now() - started) / 1000;
    await breakwater.close();
    await gate.close();
    await stats.close();
  });
  member.leave();
  circuits.shutdown();
  await removeQueue(queue);
  return { jobsPerSecond: jobs / seconds, scriptsPerJob: scripts };
}

function inputs(count: number) {
  return Array.from({ length: count }, (_, i) => ({ prompt: `Summarise ticket ${i}` }));
}

/** The same config with rpm and tpm limits on every provider, far above what the bench can reach. */
function withLimitsThatNeverBind(config: BreakwaterConfig): BreakwaterConfig {
  const providers = Object.fromEntries(
    Object.entries(config.providers).map(([name, provider]) => [
      name,
      { ...provider, limits: { ...provider.limits, rpm: 1e9, tpm: 1e12 } },
    ]),
  );
  return { ...config, providers };
}

/**
 * 1. Worker path: Breakwater's worker vs a raw BullMQ no-op worker, alternated, median of runs; and
 * the Redis scripts each runs per job (INFO commandstats on the bench's Redis, lowest of the runs).
 */
export async function workerPath(
  config: BreakwaterConfig,
  redisUrl: string,
  jobs: number,
  runs = 3,
): Promise<BenchRow[]> {
  const admin = new Redis(redisUrl);
  const raw: Run[] = [];
  const breakwater: Run[] = [];
  const limited: Run[] = [];
  const limitedConfig = withLimitsThatNeverBind(config);
  // Warm-up, not counted: JIT, connections, Lua script cache.
  await rawRun(config, redisUrl, admin, Math.min(jobs, 500));
  await breakwaterRun(config, redisUrl, admin, Math.min(jobs, 500));
  await breakwaterRun(limitedConfig, redisUrl, admin, Math.min(jobs, 500));
  for (let run = 0; run < runs; run++) {
    raw.push(await rawRun(config, redisUrl, admin, jobs));
    breakwater.push(await breakwaterRun(config, redisUrl, admin, jobs));
    limited.push(await breakwaterRun(limitedConfig, redisUrl, admin, jobs));
  }
  admin.disconnect();
  const throughput = {
    breakwater: median(breakwater.map((run) => run.jobsPerSecond)),
    raw: median(raw.map((run) => run.jobsPerSecond)),
  };
  const scripts = {
    breakwater: lowest(breakwater.map((run) => run.scriptsPerJob)),
    baseline: lowest(raw.map((run) => run.scriptsPerJob)),
  };
  const ratio = throughput.breakwater / throughput.raw;
  const withLimits = median(limited.map((run) => run.jobsPerSecond));
  const limitsRatio = withLimits / throughput.breakwater;
  return [
    {
      name: `worker path (${jobs} jobs, concurrency ${config.queue.concurrency})`,
      breakwater: throughput.breakwater,
      baseline: throughput.raw,
      unit: 'jobs/s',
      ratio,
      target: '≥ 0.75×',
      met: ratio >= 0.75,
      scriptsPerJob: scripts,
    },
    {
      name: 'worker path: Redis scripts per job, enqueue to done (eval/evalsha/fcall, INFO commandstats)',
      breakwater: scripts.breakwater,
      baseline: scripts.baseline,
      unit: 'scripts',
      ratio: scripts.breakwater / scripts.baseline,
      target: '< 2.5 per job',
      met: scripts.breakwater < 2.5,
      note: `lowest of ${runs} runs: other clients of the same Redis only add to the count`,
      scriptsPerJob: scripts,
    },
    {
      name: 'worker path with rpm and tpm limits that never bind, against the same path without limits',
      breakwater: withLimits,
      baseline: throughput.breakwater,
      unit: 'jobs/s',
      ratio: limitsRatio,
      target: '≥ 0.90×',
      met: limitsRatio >= 0.9,
      note: 'the cost is the admission script before each call and the batched token settlement',
      scriptsPerJob: {
        breakwater: lowest(limited.map((run) => run.scriptsPerJob)),
        baseline: scripts.breakwater,
      },
    },
  ];
}
