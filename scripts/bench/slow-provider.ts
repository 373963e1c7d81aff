import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { validateConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import type { JobData } from '../../src/queue/job-input.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { startWorkerRuntime } from '../../src/runtime/worker-runtime.js';
import { startServerProcess } from './api-process.js';
import { scriptsPerJob } from './redis-scripts.js';
import type { BenchRow } from './stats.js';

export interface SlowProviderOptions {
  jobs: number;
  /** The endpoint answers each call after this long. @defaultValue 1000 */
  latencyMs?: number;
  /** Jobs in flight per worker, on both sides. @defaultValue 500 */
  concurrency?: number;
}

interface Side {
  jobsPerSecond: number;
  failed: number;
  scriptsPerJob: number;
  /** CPU this process spent per job while timed (the worker; the endpoint runs in its own process). */
  cpuMsPerJob: number;
  /** Sockets the side opened to the endpoint, and the most calls it had in flight at once. */
  connections: number;
  peakInFlight: number;
}

interface EndpointCounts {
  connections: number;
  requests: number;
  peakInFlight: number;
}

const model = 'slow-model';
const stallMs = 60_000;

/** Resolves once `count` jobs have completed or failed; rejects when none settles for a minute. */
function untilSettled(worker: Worker, count: number): Promise<{ failed: number }> {
  return new Promise((resolve, reject) => {
    let settled = 0;
    let failed = 0;
    let stall = setTimeout(() => reject(new Error(`no job settled for ${stallMs} ms`)), stallMs);
    const progress = () => {
      settled += 1;
      clearTimeout(stall);
      if (settled === count) resolve({ failed });
      else stall = setTimeout(() => reject(new Error(`no job settled for ${stallMs} ms`)), stallMs);
    };
    worker.on('completed', progress);
    worker.on('failed', (job) => {
      // A failed attempt that will be retried is not settled yet.
      if (job && job.attemptsMade < (job.opts.attempts ?? 1)) return;
      failed += 1;
      progress();
    });
  });
}

/**
 * 7. Slow provider: Breakwater's worker (the whole runtime: fleet breaker, AI SDK adapter over HTTP,
 * timeline, stats) against a raw BullMQ worker that calls the same endpoint with `fetch`, both at
 * the same concurrency, on an OpenAI-compatible endpoint that answers after a second. Throughput is
 * bounded by concurrency ÷ latency; what is measured is whether Breakwater keeps up with it.
 *
 * Connection budget: both sides use the process's global `fetch` (the AI SDK's default) and so the
 * same undici dispatcher, Node's default: keep-alive, no cap on sockets per origin. Each side may
 * open one socket per call in flight; the endpoint closes idle sockets before each side, counts the
 * sockets each opens and its most calls in flight, and the row's note reports both.
 */
export async function slowProvider(redisUrl: string, options: SlowProviderOptions): Promise<BenchRow> {
  const { jobs, latencyMs = 1_000, concurrency = 500 } = options;
  const endpoint = await startServerProcess('scripts/bench/slow-provider-server.ts', {
    LATENCY_MS: String(latencyMs),
  });
  const admin = new Redis(redisUrl);
  const endpointCounts = async (method: 'GET' | 'DELETE'): Promise<EndpointCounts> =>
    (await (await fetch(`${endpoint.url}/_stats`, { method })).json()) as EndpointCounts;

  const configFor = (name: string) =>
    validateConfig(
      {
        providers: {
          slow: { type: 'openai-compatible', baseURL: `${endpoint.url}/v1`, timeoutMs: 30_000 },
        },
        routes: { default: [{ provider: 'slow', model }] },
        queue: { name, concurrency },
      },
      'bench',
      {},
    );

  /** Enqueues `count` jobs, then times `work` until they have all settled; Redis scripts counted throughout. */
  const measure = async (
    prefix: string,
    count: number,
    work: (name: string) => Promise<{ worker: Worker; close: () => Promise<void> }>,
  ): Promise<Side> => {
    const name = `${prefix}-${randomUUID()}`;
    const loaded = configFor(name);
    const queue = new Queue<JobData>(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
    await endpointCounts('DELETE');
    // Lets the client see the endpoint close its idle sockets, so this side opens its own.
    await delay(200);
    let seconds = 0;
    let failed = 0;
    let cpu = { user: 0, system: 0 };
    const scripts = await scriptsPerJob(admin, count, async () => {
      for (let start = 0; start < count; start += 1_000) {
        const size = Math.min(1_000, count - start);
        await enqueueJobs(
          queue,
          loaded.config,
          Array.from({ length: size }, (_, i) => ({ prompt: `Summarise ticket ${start + i}` })),
        );
      }
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      // Listening once the worker runs is in time: no call answers within the endpoint's latency.
      const running = await work(name);
      ({ failed } = await untilSettled(running.worker, count));
      seconds = (performance.now() - started) / 1000;
      cpu = process.cpuUsage(cpuBefore);
      await running.close();
    });
    const counts = await endpointCounts('GET');
    await removeQueue(queue);
    return {
      jobsPerSecond: count / seconds,
      failed,
      scriptsPerJob: scripts,
      cpuMsPerJob: (cpu.user + cpu.system) / 1000 / count,
      connections: counts.connections,
      peakInFlight: counts.peakInFlight,
    };
  };

  const breakwater = (count: number) =>
    measure('bench-slow-bw', count, async (name) => {
      const runtime = await startWorkerRuntime({
        loaded: configFor(name),
        redisUrl,
        logger: createLogger({ level: 'silent' }),
      });
      return { worker: runtime.breakwater.worker, close: () => runtime.close() };
    });

  const raw = (count: number) =>
    measure('bench-slow-raw', count, async (name) => {
      const worker = new Worker<JobData>(
        bullQueueNameOf(name),
        async (job, _token, signal) => {
          const response = await fetch(`${endpoint.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
            body: JSON.stringify({ model, messages: [{ role: 'user', content: job.data.prompt }] }),
            ...(signal ? { signal } : {}),
          });
          if (!response.ok) throw new Error(`the endpoint answered ${response.status}`);
          const body = (await response.json()) as { choices: { message: { content: string } }[] };
          return body.choices[0]?.message.content;
        },
        { connection: connectionOptions(redisUrl), concurrency },
      );
      return { worker, close: () => worker.close() };
    });

  try {
    // Warm-up, not counted: JIT, Lua script cache, and each side's sockets.
    await raw(concurrency);
    await breakwater(concurrency);
    const baseline = await raw(jobs);
    const measured = await breakwater(jobs);
    const ratio = measured.jobsPerSecond / baseline.jobsPerSecond;
    const ceiling = concurrency / (latencyMs / 1000);
    const failed = measured.failed + baseline.failed;
    return {
      name: `slow provider: ${latencyMs} ms over HTTP, concurrency ${concurrency} (${jobs} jobs), vs raw BullMQ + fetch`,
      breakwater: measured.jobsPerSecond,
      baseline: baseline.jobsPerSecond,
      unit: 'jobs/s',
      ratio,
      target: '≥ 0.95×',
      met: ratio >= 0.95 && failed === 0,
      note:
        `ceiling ${ceiling.toFixed(0)} jobs/s (concurrency ÷ latency); ` +
        `sockets opened ${measured.connections} vs ${baseline.connections}, ` +
        `peak calls in flight ${measured.peakInFlight} vs ${baseline.peakInFlight} (default global dispatcher, no per-origin cap); ` +
        `failed ${measured.failed} vs ${baseline.failed}; ` +
        `worker CPU per job ${measured.cpuMsPerJob.toFixed(2)} vs ${baseline.cpuMsPerJob.toFixed(2)} ms; ` +
        `Redis scripts per job, enqueue to done, one run (other clients of this Redis add to it): ` +
        `${measured.scriptsPerJob.toFixed(2)} vs ${baseline.scriptsPerJob.toFixed(2)}`,
      scriptsPerJob: { breakwater: measured.scriptsPerJob, baseline: baseline.scriptsPerJob },
    };
  } finally {
    admin.disconnect();
    await endpoint.close();
  }
}
