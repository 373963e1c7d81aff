import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { checkRedisDurability, durabilityFindings } from '../../src/redis/redis-durability.js';
import { readProcessSettings } from '../../src/runtime/process-settings.js';
import { assertSafeBinding } from '../../src/runtime/safe-binding.js';
import { ApiHarness } from '../support/api-harness.js';
import { type RunningProcess, startEntry } from '../support/child-process.js';
import { DedicatedRedis, freePort } from '../support/redis-server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function api(env: Record<string, string>): RunningProcess {
  const running = startEntry('workers/api.ts', { BREAKWATER_API_TOKEN: '', ...env });
  cleanups.push(() => {
    running.signalGroup('SIGKILL');
    return running.exited;
  });
  return running;
}

describe('safe by default', () => {
  it('the API refuses a non-loopback HOST without a token: one line naming the variable and the fix, exit 2', async () => {
    const refused = api({ HOST: '0.0.0.0', PORT: String(await freePort()) });
    expect(await refused.exited).toBe(2);
    const output = refused.output().trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toContain('BREAKWATER_API_TOKEN');
    expect(output).toContain('BREAKWATER_ALLOW_UNAUTHENTICATED=1');
    expect(output).not.toMatch(/\n\s+at /);

    expect(() =>
      assertSafeBinding({ host: '0.0.0.0', token: 'a-token', allowUnauthenticated: false }),
    ).not.toThrow();
    expect(() =>
      assertSafeBinding({ host: 'localhost', token: undefined, allowUnauthenticated: false }),
    ).not.toThrow();
    expect(() => assertSafeBinding({ host: '::', token: undefined, allowUnauthenticated: false })).toThrow(
      /BREAKWATER_API_TOKEN/,
    );
    expect(readProcessSettings({ BREAKWATER_ALLOW_UNAUTHENTICATED: '1' }).allowUnauthenticated).toBe(true);
    expect(readProcessSettings({}).allowUnauthenticated).toBe(false);
    expect(() => readProcessSettings({ BREAKWATER_ALLOW_UNAUTHENTICATED: 'sure' })).toThrow(
      /BREAKWATER_ALLOW_UNAUTHENTICATED: "sure" is not a flag; set it to 1/,
    );
    // A guessable token is refused by name, with the fix; it is never echoed.
    expect(() => readProcessSettings({ BREAKWATER_API_TOKEN: 'hunter2' })).toThrow(
      /BREAKWATER_API_TOKEN: is 7 characters; use at least 16, e.g. openssl rand -hex 24/,
    );
    expect(() => readProcessSettings({ BREAKWATER_API_TOKEN: 'hunter2' })).not.toThrow(/hunter2/);
    expect(readProcessSettings({ BREAKWATER_API_TOKEN: 'a'.repeat(16) }).token).toBe('a'.repeat(16));
  });

  it('BREAKWATER_ALLOW_UNAUTHENTICATED=1 opts out; a Redis that evicts or does not persist is warned about', async () => {
    const redis = await new DedicatedRedis().start(['--maxmemory-policy', 'allkeys-lru']);
    cleanups.push(() => redis.stop());
    const port = await freePort();
    const open = api({
      HOST: '0.0.0.0',
      PORT: String(port),
      REDIS_URL: redis.url,
      BREAKWATER_ALLOW_UNAUTHENTICATED: '1',
    });
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          ),
        {
          timeout: 20_000,
          interval: 100,
        },
      )
      .toBe(200);
    // Ready can be answered before the warnings' lines have crossed the pipe: wait for the last one.
    await expect
      .poll(() => open.output(), { timeout: 10_000 })
      .toContain('reachable from the network without auth');
    const output = open.output();
    expect(output).toContain('maxmemory-policy is allkeys-lru');
    expect(output).toContain('set maxmemory-policy noeviction');
    expect(output).toContain('persistence is off');
    open.child.kill('SIGTERM');
    expect(await open.exited).toBe(0);

    const durable = redis.client();
    cleanups.push(() => durable.disconnect());
    await durable.config('SET', 'maxmemory-policy', 'noeviction');
    await durable.config('SET', 'appendonly', 'yes');
    expect(await checkRedisDurability(redis.url)).toEqual([]);
    // RDB snapshots alone count as persistence; an unreachable Redis is a finding, not a crash.
    expect(durabilityFindings({ policy: 'noeviction', appendonly: 'no', save: '3600 1' })).toEqual([]);
    await redis.stop();
    expect(await checkRedisDurability(redis.url, 500)).toEqual([
      { kind: 'unknown', reason: expect.any(String) },
    ]);
  });

  it('Bull Board refuses actions (pause, retry, clean…) unless board.readOnly is false', async () => {
    const harness = await new ApiHarness().start();
    cleanups.push(() => harness.stop());
    const refused = await harness.request(
      'PUT',
      `/admin/queues/api/queues/${encodeURIComponent(`{${harness.queueName}}`)}/pause`,
    );
    expect(refused.status).toBe(405);
    expect(await harness.queue.isPaused()).toBe(false);

    const writable = await new ApiHarness({
      config: (base) => ({ ...base, board: { readOnly: false } }),
    }).start();
    cleanups.push(() => writable.stop());
    const allowed = await writable.request(
      'PUT',
      `/admin/queues/api/queues/${encodeURIComponent(`{${writable.queueName}}`)}/pause`,
    );
    expect(allowed.status).toBe(200);
    expect(await writable.queue.isPaused()).toBe(true);
  });

  it('invalid crash-safety and rate-limit settings are refused with their key paths', () => {
    const document = {
      providers: { sim: { type: 'simulated' } },
      routes: { default: [{ provider: 'sim', model: 'm' }] },
      queue: { lockDurationMs: 0, stalledIntervalMs: 'soon', maxStalledCount: 1.5 },
      api: { rateLimit: { jobs: -1, windowMs: 1_000 } },
    };
    expect(() => validateConfig(document, 'test', {})).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.objectContaining({ path: 'queue.lockDurationMs' }),
          expect.objectContaining({ path: 'queue.stalledIntervalMs' }),
          expect.objectContaining({ path: 'queue.maxStalledCount' }),
          expect.objectContaining({ path: 'api.rateLimit.jobs' }),
        ]),
      }),
    );
    expect(() =>
      validateConfig({ ...document, queue: {}, api: { rateLimit: { requests: 5 } } }, 'test', {}),
    ).toThrow(/api\.rateLimit/);
  });
});
