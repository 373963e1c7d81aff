import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { validateConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import type { JobData } from '../../src/queue/job-input.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { startWorkerRuntime } from '../../src/runtime/worker-runtime.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';
import { commandCount, DedicatedRedis } from '../../test/support/redis-server.js';
import type { BenchRow } from './stats.js';

const resetMs = 1_000;
const providers = ['p1', 'p2', 'p3'] as const;

/**
 * 4. Total outage: a backlog waits while every provider is down for several reset periods — Redis
 * commands per period (INFO commandstats, a Redis of its own) and worker CPU.
 * 5. Recovery: from the providers healing to the first completion and to the backlog drained,
 * against backlog ÷ the steady throughput measured first.
 */
export async function outage(backlog: number, workers: number): Promise<BenchRow[]> {
  const redis = await new DedicatedRedis().start();
  const simulator = new ProviderSimulator();
  const root = await simulator.start();
  const name = `bench-outage-${randomUUID()}`;
  const breaker = {
    volumeThreshold: 2,
    errorThresholdPercentage: 50,
    rollingWindowMs: 10_000,
    resetTimeoutMs: resetMs,
  };
  const loaded = validateConfig(
    {
      providers: Object.fromEntries(
        providers.map((provider) => [
          provider,
          { type: 'simulated', baseURL: root, timeoutMs: 2_000, breaker },
        ]),
      ),
      routes: { default: providers.map((provider) => ({ provider, model: 'gpt-4.1-mini' })) },
      queue: { name, concurrency: 10 },
    },
    'bench',
    {},
  );
  const queue = new Queue<JobData>(bullQueueNameOf(name), { connection: connectionOptions(redis.url) });
  const logger = createLogger({ level: 'silent' });
  const runtimes = await Promise.all(
    Array.from({ length: workers }, () => startWorkerRuntime({ loaded, redisUrl: redis.url, logger })),
  );
  const enqueue = async (count: number) => {
    for (let start = 0; start < count; start += 1_000) {
      const size = Math.min(1_000, count - start);
      await enqueueJobs(
        queue,
        loaded.config,
        Array.from({ length: size }, (_, i) => ({ prompt: `job ${start + i}` })),
      );
    }
  };
  const completed = async () => (await queue.getJobCounts('completed')).completed ?? 0;

  // Steady throughput, all healthy.
  const steadyJobs = Math.min(backlog, 2_000);
  const started = performance.now();
  await enqueue(steadyJobs);
  while ((await completed()) < steadyJobs) await delay(20);
  const throughput = steadyJobs / ((performance.now() - started) / 1000);

  // Total outage with the backlog waiting.
  for (const provider of providers) simulator.configure(provider, { mode: { kind: 'down', status: 503 } });
  await enqueue(backlog);
  // A busy provider's breaker opens once failures outnumber the window's recent successes.
  const tripStarted = performance.now();
  const circuits = runtimes[0]?.circuits;
  while (circuits && providers.some((provider) => circuits.get(provider).availability().kind === 'closed')) {
    await delay(20);
  }
  const tripMs = performance.now() - tripStarted;
  await delay(resetMs);
  const admin = redis.client();
  await admin.config('RESETSTAT');
  const cpuBefore = process.cpuUsage();
  const periods = 3;
  await delay(periods * resetMs);
  const commands = (await commandCount(admin)).total / periods;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerPeriodMs = (cpu.user + cpu.system) / 1000 / periods;

  // Recovery.
  const before = await completed();
  const healed = performance.now();
  for (const provider of providers) simulator.configure(provider, { mode: { kind: 'healthy' } });
  let firstMs = Number.NaN;
  while ((await completed()) < before + backlog) {
    if (Number.isNaN(firstMs) && (await completed()) > before) firstMs = performance.now() - healed;
    await delay(20);
  }
  const drainedMs = performance.now() - healed;

  for (const runtime of runtimes) await runtime.close();
  admin.disconnect();
  await queue.close();
  await simulator.close();
  await redis.stop();

  const expectedDrainMs = (backlog / throughput) * 1000;
  return [
    {
      name: `total outage: Redis commands per ${resetMs} ms period (${backlog} waiting, ${workers} worker(s))`,
      breakwater: commands,
      baseline: Number.NaN,
      unit: 'commands',
      ratio: Number.NaN,
      target: 'reported: compare --workers and --backlog',
      met: true,
      note: `worker CPU ${cpuPerPeriodMs.toFixed(0)} ms per period; breakers tripped ${tripMs.toFixed(0)} ms into the outage`,
    },
    {
      name: 'total outage: worker CPU per period (all in this process)',
      breakwater: cpuPerPeriodMs,
      baseline: resetMs,
      unit: 'ms',
      ratio: cpuPerPeriodMs / resetMs,
      target: 'reported',
      met: true,
    },
    {
      name: 'recovery: healed → first completion',
      breakwater: firstMs,
      baseline: resetMs + 1_000,
      unit: 'ms',
      ratio: firstMs / (resetMs + 1_000),
      target: '≤ reset + 1 s',
      met: firstMs <= resetMs + 1_000,
    },
    {
      name: `recovery: healed → ${backlog} drained, vs backlog ÷ steady ${throughput.toFixed(0)} jobs/s`,
      breakwater: drainedMs,
      baseline: expectedDrainMs,
      unit: 'ms',
      ratio: drainedMs / expectedDrainMs,
      target: '≤ 1.20×',
      met: drainedMs <= 1.2 * expectedDrainMs,
    },
  ];
}
