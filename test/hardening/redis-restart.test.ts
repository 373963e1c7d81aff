import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { type ApiRuntime, startApiRuntime } from '../../src/runtime/api-runtime.js';
import { FleetHarness } from '../support/fleet-harness.js';
import { DedicatedRedis } from '../support/redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** AOF with an fsync per write: a killed Redis keeps every write it acknowledged. */
const durable = ['--appendonly', 'yes', '--appendfsync', 'always'];

async function post(api: ApiRuntime, path: string, body: unknown) {
  const started = Date.now();
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    ms: Date.now() - started,
    body: (await response.json()) as { id?: string; jobs?: { id: string }[]; error?: { code: string } },
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

describe('a Redis restart mid-run', () => {
  it('the API answers 503 within 1 s while Redis is frozen or down, and API and workers recover by themselves: no accepted job lost', async () => {
    const redis = await new DedicatedRedis().start(durable);
    cleanups.push(() => redis.stop());
    const harness = await new FleetHarness({
      redisUrl: redis.url,
      concurrency: 10,
      queue: { lockDurationMs: 1_000, stalledIntervalMs: 500 },
    }).start();
    cleanups.push(() => harness.stop());
    harness.simulator.configure('primary', { latencyMs: { min: 20, max: 60 } });
    const api = await startApiRuntime({
      loaded: { config: harness.config, secrets: new Map(), source: 'test' },
      redisUrl: redis.url,
      logger: createLogger({ level: 'silent' }),
      port: 0,
    });
    cleanups.push(() => api.close());
    await harness.startWorker();

    const accepted = new Set<string>();
    const submitBatch = async (label: string) => {
      const response = await post(api, '/v1/jobs/bulk', {
        jobs: Array.from({ length: 100 }, (_, i) => ({ prompt: `${label} ${i}` })),
      });
      if (response.status === 202) for (const job of response.body.jobs ?? []) accepted.add(job.id);
      return response;
    };
    for (let i = 0; i < 3; i++) expect((await submitBatch(`before ${i}`)).status).toBe(202);
    await expect
      .poll(async () => (await harness.counts()).completed, { timeout: 10_000 })
      .toBeGreaterThan(20);

    // Frozen: connections stay open and nothing answers, so only a command timeout can tell.
    redis.signal('SIGSTOP');
    // A timed-out write may still land when Redis thaws: the idempotency key makes the retry safe.
    const frozenJob = { prompt: 'while frozen', idempotencyKey: 'frozen-1' };
    const frozen = await post(api, '/v1/jobs', frozenJob);
    const frozenReady = await timed(() => fetch(`${api.url}/readyz`));
    redis.signal('SIGCONT');
    expect(frozen.status).toBe(503);
    expect(frozen.body.error?.code).toBe('redis-unavailable');
    expect(frozen.ms).toBeLessThan(1_000);
    expect(frozenReady.value.status).toBe(503);
    expect(frozenReady.ms).toBeLessThan(1_000);

    await redis.stop();
    const downAt = Date.now();
    const refused = await submitBatch('while down');
    const single = await post(api, '/v1/jobs', { prompt: 'while down' });
    const ready = await fetch(`${api.url}/readyz`);
    for (const response of [refused, single]) {
      expect(response.status).toBe(503);
      expect(response.body.error?.code).toBe('redis-unavailable');
      expect(response.ms).toBeLessThan(1_000);
    }
    expect(ready.status).toBe(503);
    await delay(1_000);

    await redis.start(durable);
    const restartedAt = Date.now();
    // Neither the API nor the worker is restarted: both reconnect on their own.
    await expect
      .poll(async () => (await submitBatch('after')).status, { timeout: 15_000, interval: 200 })
      .toBe(202);
    const apiBackMs = Date.now() - restartedAt;
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const retried = await post(api, '/v1/jobs', frozenJob);
    expect(retried.status).toBe(202);
    accepted.add(retried.body.id ?? '');
    await expect
      .poll(async () => (await harness.counts()).completed, { timeout: 20_000, interval: 200 })
      .toBe(accepted.size);
    const counts = await harness.counts();
    const calls = harness.simulator.callsByJob();
    console.log(
      'redis restart figures',
      JSON.stringify({
        accepted: accepted.size,
        completed: counts.completed,
        failed: counts.failed,
        downMs: restartedAt - downAt,
        apiBackMs,
        refusedMs: refused.ms,
        frozenMs: frozen.ms,
        runTwice: [...calls.values()].filter((count) => count > 1).length,
      }),
    );
    expect(counts).toMatchObject({ failed: 0, waiting: 0, active: 0, delayed: 0 });
    for (const id of accepted) expect(await harness.queue.getJobState(id)).toBe('completed');
  });
});
