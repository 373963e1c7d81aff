import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { validateConfig } from '../../src/config/load-config.js';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { createLogger } from '../../src/logging/logger.js';
import { bullQueueNameOf, queueKeyOf } from '../../src/queue/bullmq-internals.js';
import type { JobData } from '../../src/queue/job-input.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { startWorkerRuntime } from '../../src/runtime/worker-runtime.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';
import { type BenchRow, percentile } from './stats.js';

/** 6. Failover latency: job latency with the primary's breaker open vs the fallback's own latency. */
export async function failover(redisUrl: string, jobs: number): Promise<BenchRow[]> {
  const simulator = new ProviderSimulator();
  const root = await simulator.start();
  simulator.configure('secondary', { latencyMs: { min: 20, max: 20 } });
  const name = `bench-failover-${randomUUID()}`;
  const provider = (wire: string) => ({ type: 'simulated', wire, baseURL: root, timeoutMs: 5_000 });
  const loaded = validateConfig(
    {
      providers: { primary: provider('openai'), secondary: provider('anthropic') },
      routes: {
        fallback: [
          { provider: 'primary', model: 'gpt-4.1-mini' },
          { provider: 'secondary', model: 'claude-haiku-4-5' },
        ],
        direct: [{ provider: 'secondary', model: 'claude-haiku-4-5' }],
      },
      defaultRoute: 'direct',
      queue: { name, concurrency: 10 },
    },
    'bench',
    {},
  );
  const queue = new Queue<JobData>(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
  const runtime = await startWorkerRuntime({ loaded, redisUrl, logger: createLogger({ level: 'silent' }) });
  const redis = new Redis(redisUrl);
  await new FleetStore({ redis, keyPrefix: queueKeyOf(name), worker: 'bench' }).open('primary', {
    until: undefined,
    reason: 'bench: primary down',
    force: true,
    manual: { by: 'bench', reason: 'primary down' },
  });
  while (runtime.circuits.get('primary').availability().kind !== 'open')
    await new Promise((r) => setTimeout(r, 10));

  const latencies = async (route: string): Promise<number[]> => {
    const added = await enqueueJobs(
      queue,
      loaded.config,
      Array.from({ length: jobs }, (_, i) => ({ prompt: `job ${i}`, route })),
    );
    const ids = added.map((job) => String(job.id));
    for (;;) {
      const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
      if (states.every((state) => state === 'completed')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = await Promise.all(ids.map((id) => queue.getJob(id)));
    return done.map((job) => (job?.finishedOn ?? 0) - (job?.processedOn ?? 0));
  };
  await latencies('direct');
  const direct = await latencies('direct');
  const fallback = await latencies('fallback');
  await runtime.close();
  redis.disconnect();
  await removeQueue(queue);
  await simulator.close();

  const row = (p: number): BenchRow => {
    const overhead = percentile(fallback, p) - percentile(direct, p);
    return {
      name: `failover latency p${p} (${jobs} jobs, primary open)`,
      breakwater: percentile(fallback, p),
      baseline: percentile(direct, p),
      unit: 'ms',
      ratio: percentile(fallback, p) / percentile(direct, p),
      target: p === 50 ? 'overhead ≤ 5 ms' : 'reported',
      met: p === 50 ? overhead <= 5 : true,
      note: `overhead ${overhead} ms`,
    };
  };
  return [row(50), row(99)];
}
