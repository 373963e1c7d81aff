import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { validateConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
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
 * 6-node cluster, each as a ratio against the single Redis in the same run. On 2 cores the cluster's
 * six servers share the cores with the bench: the point is that nothing breaks and how the curve
 * bends, not absolute speed. One queue is one hash slot, so one master serves it.
 */
export async function clusterBench(singleUrl: string, jobs: number): Promise<BenchRow[]> {
  const cluster = await new LocalRedisCluster().start();
  try {
    const clusterUrl = `redis+cluster://${cluster.seeds}`;
    const rows: BenchRow[] = [];
    // One queue, then three (each its own hash tag, so the cluster spreads them over its masters,
    // as `queue.shards` would): the jobs split between them, one worker runtime each.
    for (const queues of [1, 3]) {
      const single = await throughput(singleUrl, jobs, queues);
      const onCluster = await throughput(clusterUrl, jobs, queues);
      const row = (name: string, key: keyof Throughput): BenchRow => ({
        name: `${name} on a 3-master cluster vs one Redis (${jobs} jobs, ${queues} queue${queues > 1 ? 's' : ''})`,
        breakwater: onCluster[key],
        baseline: single[key],
        unit: 'jobs/s',
        ratio: onCluster[key] / single[key],
        target: '≥ 0.5×',
        met: onCluster[key] / single[key] >= 0.5,
      });
      rows.push(row('submit', 'submitPerSecond'), row('worker path', 'workerPerSecond'));
    }
    return rows;
  } finally {
    await cluster.stop();
  }
}

async function throughput(url: string, jobs: number, queues: number): Promise<Throughput> {
  const share = Math.floor(jobs / queues);
  const runs = await Promise.all(Array.from({ length: queues }, () => oneQueue(url, share)));
  // The queues run side by side: the slowest decides the time of the whole.
  const slowest = (key: keyof Throughput) => Math.min(...runs.map((run) => run[key]));
  return {
    submitPerSecond: slowest('submitPerSecond') * queues,
    workerPerSecond: slowest('workerPerSecond') * queues,
  };
}

async function oneQueue(url: string, jobs: number): Promise<Throughput> {
  const name = `bench-cluster-${randomUUID()}`;
  const loaded = validateConfig(
    {
      providers: { instant: { type: 'simulated' } },
      routes: { default: [{ provider: 'instant', model: 'gpt-4.1-mini' }] },
      queue: { name, concurrency: 50 },
    },
    'bench',
    {},
  );
  const bull = bullConnection(url);
  const queue = new Queue(bullQueueNameOf(name), { connection: bull.connection });
  try {
    const submitStarted = performance.now();
    for (let start = 0; start < jobs; start += 500) {
      const size = Math.min(500, jobs - start);
      await enqueueJobs(
        queue,
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
      runtime.breakwater.worker.on('completed', () => {
        completed += 1;
        if (completed === jobs) resolve();
      });
    });
    const workerSeconds = (performance.now() - workerStarted) / 1000;
    await runtime.close();
    return { submitPerSecond: jobs / submitSeconds, workerPerSecond: jobs / workerSeconds };
  } finally {
    await removeQueue(queue);
    bull.close();
  }
}
