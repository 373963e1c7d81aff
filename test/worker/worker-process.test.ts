import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import { enqueueJob } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { startEntry } from '../support/child-process.js';
import { tempDir } from '../support/temp-dir.js';
import { redisUrl, WorkerHarness } from '../support/worker-harness.js';

// Through tsx, as `npm run worker` runs it (the other tests start the run's bundle of it).
const runWorker = (env: Record<string, string>) =>
  startEntry('workers/worker.ts', { ...env, REDIS_URL: redisUrl }, 'tsx');

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('the worker process', () => {
  it('serves jobs on the keyless simulated default and exits 0 on SIGTERM', async () => {
    const dir = tempDir('worker');
    const name = `test-${randomUUID()}`;
    const builtIn = loadConfig({ env: {}, cwd: dir }).config;
    writeFileSync(
      join(dir, 'breakwater.yaml'),
      JSON.stringify({ providers: builtIn.providers, routes: builtIn.routes, queue: { name } }),
    );
    const queue = new Queue(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
    const worker = runWorker({ BREAKWATER_CONFIG: join(dir, 'breakwater.yaml') });
    cleanup = async () => {
      worker.signalGroup('SIGKILL');
      await removeQueue(queue);
    };
    const job = await enqueueJob(
      queue,
      loadConfig({ env: { BREAKWATER_CONFIG: join(dir, 'breakwater.yaml') } }).config,
      {
        prompt: 'summarise the harbour report',
      },
    );
    await expect
      .poll(async () => (await queue.getJob(job.id!))?.getState(), { timeout: 20_000, interval: 100 })
      .toBe('completed');
    const done = await queue.getJob(job.id!);
    expect(done?.returnvalue).toMatchObject({
      provider: 'sim-openai',
      model: 'gpt-4.1-mini',
      fallbackUsed: false,
    });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('"msg":"worker stopped"');
  });

  it('refuses a bad config with the key path and exit code 2, no stack trace', async () => {
    const dir = tempDir('worker');
    writeFileSync(
      join(dir, 'bad.yaml'),
      'providers: { o: { type: openai } }\nroutes: { default: [{ provider: o, model: m }] }\n',
    );
    const worker = runWorker({ BREAKWATER_CONFIG: join(dir, 'bad.yaml'), OPENAI_API_KEY: '' });
    expect(await worker.exited).toBe(2);
    expect(worker.output()).toContain('providers.o.apiKeyEnv: OPENAI_API_KEY is not set');
    expect(worker.output()).not.toMatch(/\n\s+at /);
  });
});

describe('closing a worker', () => {
  it('is idempotent, and returns a job whose call outlives the grace period to the queue, attempt unspent', async () => {
    const harness = await new WorkerHarness({
      config: (base) => ({
        ...base,
        routes: {
          ...(base.routes as object),
          default: [{ provider: 'primary', model: 'm', timeoutMs: 20_000 }],
        },
      }),
    }).start();
    cleanup = () => harness.stop();
    harness.simulator.configure('primary', { mode: { kind: 'hang' } });
    const job = await harness.add({ prompt: 'slow' });
    await expect.poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 }).toBe('active');
    await expect.poll(() => harness.simulator.stats('primary').inFlight).toBe(1);
    const first = harness.breakwater!.close();
    const second = harness.breakwater!.close();
    expect(second).toBe(first);
    await first;
    const returned = await harness.job(job.id!);
    expect(['delayed', 'waiting']).toContain(await returned.getState());
    expect(returned.attemptsMade).toBe(0);
    await expect.poll(() => harness.simulator.stats('primary').outcomes.aborted).toBe(1);

    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    await harness.startWorker();
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 10_000 })
      .toBe('completed');
  });
});
