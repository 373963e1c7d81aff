import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { FleetMember } from '../../src/fleet/fleet-member.js';
import { createLogger } from '../../src/logging/logger.js';
import type { LanguageModelAdapter } from '../../src/providers/completion.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { CircuitRegistry } from '../../src/resilience/circuit-registry.js';
import { knownModels } from '../../src/stats/known-models.js';
import { StatsRecorder } from '../../src/stats/stats-recorder.js';
import { StatsStore } from '../../src/stats/stats-store.js';
import { createBreakwaterWorker } from '../../src/worker/create-worker.js';
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

/** jobs/s of a raw BullMQ no-op worker over the same jobs (same data, same job options). */
async function rawRun(config: BreakwaterConfig, redisUrl: string, jobs: number): Promise<number> {
  const name = `bench-raw-${randomUUID()}`;
  const queue = new Queue(name, { connection: connectionOptions(redisUrl) });
  await enqueueJobs(queue, { ...config, queue: { ...config.queue, name } }, inputs(jobs));
  const started = performance.now();
  const worker = new Worker(name, async () => 'ok', {
    connection: connectionOptions(redisUrl),
    concurrency: config.queue.concurrency,
  });
  await untilCompleted(worker, jobs);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await removeQueue(queue);
  return jobs / seconds;
}

/** jobs/s of Breakwater's worker: validation, fleet breaker, chain walk, result with cost, timeline, stats. */
async function breakwaterRun(base: BreakwaterConfig, redisUrl: string, jobs: number): Promise<number> {
  const name = `bench-bw-${randomUUID()}`;
  const config = { ...base, queue: { ...base.queue, name } };
  const queue = new Queue(name, { connection: connectionOptions(redisUrl) });
  await enqueueJobs(queue, config, inputs(jobs));
  const logger = createLogger({ level: 'silent' });
  const member = await FleetMember.connect({ config, redisUrl, logger });
  const circuits = new CircuitRegistry({ providers: config.providers, wrap: member.wrap });
  await member.join(async () => false);
  const stats = new StatsRecorder({
    store: new StatsStore({ redis: member.redis, keyPrefix: `bull:${name}` }),
    knownModels: knownModels(config),
  });
  const started = performance.now();
  const breakwater = createBreakwaterWorker({
    config,
    connection: connectionOptions(redisUrl),
    circuits,
    adapter: () => instant,
    logger,
    wake: member.wake,
    stats,
  });
  await untilCompleted(breakwater.worker, jobs);
  const seconds = (performance.now() - started) / 1000;
  await breakwater.close();
  await stats.close();
  member.leave();
  circuits.shutdown();
  await removeQueue(queue);
  return jobs / seconds;
}

function inputs(count: number) {
  return Array.from({ length: count }, (_, i) => ({ prompt: `Summarise ticket ${i}` }));
}

/** 1. Worker path: Breakwater's worker vs a raw BullMQ no-op worker, alternated, median of runs. */
export async function workerPath(
  config: BreakwaterConfig,
  redisUrl: string,
  jobs: number,
  runs = 3,
): Promise<BenchRow> {
  const raw: number[] = [];
  const breakwater: number[] = [];
  // Warm-up, not counted: JIT, connections, Lua script cache.
  await rawRun(config, redisUrl, Math.min(jobs, 500));
  await breakwaterRun(config, redisUrl, Math.min(jobs, 500));
  for (let run = 0; run < runs; run++) {
    raw.push(await rawRun(config, redisUrl, jobs));
    breakwater.push(await breakwaterRun(config, redisUrl, jobs));
  }
  const ratio = median(breakwater) / median(raw);
  return {
    name: `worker path (${jobs} jobs, concurrency ${config.queue.concurrency})`,
    breakwater: median(breakwater),
    baseline: median(raw),
    unit: 'jobs/s',
    ratio,
    target: '≥ 0.90×',
    met: ratio >= 0.9,
  };
}
