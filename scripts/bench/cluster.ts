import { randomUUID } from 'node:crypto';
import { validateConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { JobQueues } from '../../src/queue/job-queues.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { bullConnection } from '../../src/redis/redis-client.js';
import { startWorkerRuntime } from '../../src/runtime/worker-runtime.js';
// The bench starts the same local cluster as the tests (6 redis-server processes on loopback).
import { LocalRedisCluster } from '../../test/support/redis-cluster.js';
import type { BenchRow } from './stats.js';

interface Throughput {
  submitPerSecond: number;
  workerPerSecond: number;
}

/**
 * 7. Redis Cluster: the producer path (validation, options, addBulk in batches of 500) and the
 * worker path (a worker process's runtime over the simulated provider, concurrency 50) on a local
 * 6-node cluster, with `queue.shards` 1 and 3, each as a ratio against the single Redis in the same
 * run, and 3 shards against 1 on the cluster. On 2 cores the cluster's six servers share the cores
 * with the bench: the point is that nothing breaks and how the curve bends, not absolute speed.
 */
export async function clusterBench(singleUrl: string, jobs: number): Promise<BenchRow[]> {
  const cluster = await new LocalRedisCluster().start();
  try {
    const clusterUrl = `redis+cluster://${cluster.seeds}`;
    const rows: BenchRow[] = [];
    const onCluster = new Map<number, Throughput>();
    for (const shards of [1, 3]) {
      const single = await throughput(singleUrl, jobs, shards);
      const sharded = await throughput(clusterUrl, jobs, shards);
      onCluster.set(shards, sharded);
      const row = (name: string, key: keyof Throughput): BenchRow => ({
        name: `${name} on a 3-master cluster vs one Redis (${jobs} jobs, queue.shards ${shards})`,
        breakwater: sharded[key],
        baseline: single[key],
        unit: 'jobs/s',
        ratio: sharded[key] / single[key],
        target: '≥ 0.5×',
        met: sharded[key] / single[key] >= 0.5,
      });
      rows.push(row('submit', 'submitPerSecond'), row('worker path', 'workerPerSecond'));
    }
    const one = onCluster.get(1) as Throughput;
    const three = onCluster.get(3) as Throughput;
    for (const [name, key] of [
      ['submit', 'submitPerSecond'],
      ['worker path', 'workerPerSecond'],
    ] as const) {
      rows.push({
        name: `${name} on the cluster: queue.shards 3 vs 1 (${jobs} jobs)`,
        breakwater: three[key],
        baseline: one[key],
        unit: 'jobs/s',
        ratio: three[key] / one[key],
        target: 'the shape (2 cores)',
        met: true,
      });
    }
    return rows;
  } finally {
    await cluster.stop();
  }
}

async function throughput(url: string, jobs: number, shards: number): Promise<Throughput> {
  const name = `bench-cluster-${randomUUID()}`;
  const loaded = validateConfig(
    {
      providers: { instant: { type: 'simulated' } },
      routes: { default: [{ provider: 'instant', model: 'gpt-4.1-mini' }] },
      queue: { name, concurrency: 50, shards },
    },
    'bench',
    {},
  );
  const bull = bullConnection(url);
  const queues = JobQueues.open(name, shards, bull.connection);
  try {
    const submitStarted = performance.now();
    for (let start = 0; start < jobs; start += 500) {
      const size = Math.min(500, jobs - start);
      await enqueueJobs(
        queues,
        loaded.config,
        Array.from({ length: size }, (_, i) => ({ prompt: `Classify ticket ${start + i}` })),
      );
    }
    const submitSeconds = (performance.now() - submitStarted) / 1000;

    const workerStarted = performance.now();
    const runtime = await startWorkerRuntime({
      loaded,
      redisUrl: url,
      logger: createLogger({ level: 'silent' }),
    });
    let completed = 0;
    await new Promise<void>((resolve) => {
      for (const worker of runtime.breakwater.workers) {
        worker.on('completed', () => {
          completed += 1;
          if (completed === jobs) resolve();
        });
      }
    });
    const workerSeconds = (performance.now() - workerStarted) / 1000;
    await runtime.close();
    return { submitPerSecond: jobs / submitSeconds, workerPerSecond: jobs / workerSeconds };
  } finally {
    for (const shard of queues.shards) await removeQueue(shard);
    bull.close();
  }
}
