import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { SlidingWindow } from '../../src/ratelimit/sliding-window.js';
import { type ApiRuntime, startApiRuntime } from '../../src/runtime/api-runtime.js';
import { ApiHarness } from '../support/api-harness.js';
import { redisUrl } from '../support/worker-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const token = 'rate-limit-test-token-0123456789';

/**
 * The window of the end-to-end checks. Each check runs from the start of a window, and its requests
 * must all land inside it: 5 s is room for a machine that gives the test a small share of its CPU
 * (the requests take some 50 ms on an idle one).
 */
const windowMs = 5_000;

/** Waits for the start of the next window, so the check's requests all land inside one window. */
function startOfWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs)));
}

/** Two API processes' worth of runtimes over one queue, with a limit of 5 jobs per window. */
async function twoApis(): Promise<{ harness: ApiHarness; apis: [ApiRuntime, ApiRuntime] }> {
  const harness = await new ApiHarness({
    token,
    config: (base) => ({ ...base, api: { rateLimit: { jobs: 5, windowMs } } }),
  }).start();
  cleanups.push(() => harness.stop());
  const second = await startApiRuntime({
    loaded: { config: harness.config, secrets: new Map(), source: 'test' },
    redisUrl,
    logger: createLogger({ level: 'silent' }),
    port: 0,
    token,
  });
  cleanups.push(() => second.close());
  return { harness, apis: [harness.api, second] };
}

async function submit(api: ApiRuntime, path: string, body: unknown, authorization = `Bearer ${token}`) {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

/** A Redis connection and a key prefix of the test's own, removed afterwards. */
function rateCounters() {
  const redis = new Redis(redisUrl);
  const prefix = `bull:test-${randomUUID()}:breakwater:rate`;
  cleanups.push(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return { redis, prefix };
}

describe('the submission rate limit (api.rateLimit)', () => {
  it('holds across API processes: 429 with Retry-After and the JSON error body, then admits again', async () => {
    const { harness, apis } = await twoApis();
    await startOfWindow();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await submit(apis[i % 2] as ApiRuntime, '/v1/jobs', { prompt: `job ${i}` })).status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202]);

    const limited = await submit(apis[1], '/v1/jobs', { prompt: 'one too many' });
    expect(limited.status).toBe(429);
    // The same token spelled otherwise is the same bucket.
    for (const spelling of [`bearer ${token}`, `BEARER   ${token}`]) {
      expect((await submit(apis[0], '/v1/jobs', { prompt: 'respelled' }, spelling)).status).toBe(429);
    }
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toEqual({ error: { code: 'rate-limited', message: expect.any(String) } });
    const bulk = await submit(apis[0], '/v1/jobs/bulk', { jobs: [{ prompt: 'a' }] });
    expect(bulk.status).toBe(429);
    expect(await harness.queue.count()).toBe(5);

    // The counters are keyed by a hash of the token under the queue's prefix, never by the token.
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.disconnect());
    const keys = await redis.keys(`${queueKeyOf(harness.queueName)}:breakwater:rate:*`);
    expect(keys.length).toBeGreaterThan(0);
    const hashed = createHash('sha256').update(`token:${token}`).digest('hex').slice(0, 32);
    for (const key of keys) {
      expect(key).not.toContain(token);
      expect(key).toContain(hashed);
    }

    // Retry-After is honest: once it has passed, submissions are admitted again.
    await expect
      .poll(async () => (await submit(apis[0], '/v1/jobs', { prompt: 'later' })).status, {
        // Admitted again in the next window, at the latest.
        timeout: 2 * windowMs,
        interval: 250,
      })
      .toBe(202);
  });

  it('a bulk request counts its jobs; one larger than the whole limit is refused outright', async () => {
    const { harness, apis } = await twoApis();
    await startOfWindow();
    expect(
      (
        await submit(apis[0], '/v1/jobs/bulk', {
          jobs: [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }, { prompt: 'd' }],
        })
      ).status,
    ).toBe(202);
    const over = await submit(apis[1], '/v1/jobs/bulk', { jobs: [{ prompt: 'e' }, { prompt: 'f' }] });
    expect(over.status).toBe(429);
    // Another spelling of the bulk route costs its jobs just the same.
    for (const path of ['/v1/jobs/bulk/', '/v1/JOBS/BULK']) {
      expect((await submit(apis[1], path, { jobs: [{ prompt: 'e' }, { prompt: 'f' }] })).status).toBe(429);
    }
    expect((await submit(apis[1], '/v1/jobs', { prompt: 'fits' })).status).toBe(202);
    const huge = await submit(apis[0], '/v1/jobs/bulk', {
      jobs: Array.from({ length: 6 }, (_, i) => ({ prompt: `${i}` })),
    });
    // It can never fit: 413, without a Retry-After a client would wait on.
    expect(huge.status).toBe(413);
    expect(huge.headers.get('retry-after')).toBeNull();
    expect(huge.body).toMatchObject({
      error: { code: 'payload-too-large', message: expect.stringContaining('smaller batches') },
    });
    expect(await harness.queue.count()).toBe(5);
  });

  it('a flow counts its steps', async () => {
    const { harness, apis } = await twoApis();
    const flow = (name: string) => ({
      root: {
        id: 'r',
        prompt: name,
        children: [
          { id: 'a', prompt: 'a' },
          { id: 'b', prompt: 'b' },
        ],
      },
    });
    await startOfWindow();
    expect((await submit(apis[0], '/v1/flows', flow('first'))).status).toBe(202);
    expect((await submit(apis[1], '/v1/flows', flow('second'))).status).toBe(429);
    // The first flow's three jobs, nothing of the second.
    expect(await harness.queue.count()).toBe(3);
  });

  it('without auth, limits by client address: a made-up Authorization header gets no fresh bucket', async () => {
    const harness = await new ApiHarness({
      config: (base) => ({ ...base, api: { rateLimit: { jobs: 2, windowMs: 60_000 } } }),
    }).start();
    cleanups.push(() => harness.stop());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const headers = { authorization: `Bearer made-up-${i}` };
      statuses.push((await harness.request('POST', '/v1/jobs', { prompt: `${i}` }, headers)).status);
    }
    expect(statuses).toEqual([202, 202, 429, 429]);
  });

  it('is off by default', async () => {
    const harness = await new ApiHarness().start();
    cleanups.push(() => harness.stop());
    const jobs = Array.from({ length: 1_000 }, (_, i) => ({ prompt: `${i}` }));
    for (let i = 0; i < 3; i++)
      expect((await harness.request('POST', '/v1/jobs/bulk', { jobs })).status).toBe(202);
  });

  it('slides: the previous window counts in proportion to its overlap (injected clock)', async () => {
    const { redis, prefix } = rateCounters();
    let now = 1_000_000;
    const window = new SlidingWindow({
      redis,
      keyPrefix: prefix,
      limit: 10,
      windowMs: 1_000,
      now: () => now,
    });
    expect(await window.take('t', 10)).toEqual({ kind: 'admitted', remaining: 0 });
    // Not at the window's end (the full window still carries over) but a tenth of a window later.
    expect(await window.take('t', 1)).toEqual({ kind: 'limited', retryAfterMs: 1_100 });
    expect(await window.take('other', 10)).toMatchObject({ kind: 'admitted' });
    now += 1_000; // a new fixed window, but the last one still covers all of the sliding window
    expect(await window.take('t', 1)).toEqual({ kind: 'limited', retryAfterMs: 100 });
    now += 100; // 90% of the previous window left: 9 + 1 fits
    expect(await window.take('t', 1)).toMatchObject({ kind: 'admitted' });
    expect(await window.take('t', 1)).toMatchObject({ kind: 'limited' });
    expect(await window.take('t', 11)).toEqual({ kind: 'too-large', limit: 10 });

    // The advice is never early: admitted once it has passed, limited well before.
    now = 5_000_300;
    expect(await window.take('h', 8)).toMatchObject({ kind: 'admitted' });
    const advice = await window.take('h', 5);
    if (advice.kind !== 'limited') throw new Error(`expected limited, got ${advice.kind}`);
    expect(advice.retryAfterMs).toBe(1_075);
    now += advice.retryAfterMs - 200;
    expect(await window.take('h', 5)).toMatchObject({ kind: 'limited' });
    now += 200;
    expect(await window.take('h', 5)).toMatchObject({ kind: 'admitted' });
  });

  it("uses Redis's clock when none is injected, so API processes with skewed clocks agree", async () => {
    const { redis, prefix } = rateCounters();
    const options = { redis, keyPrefix: prefix, limit: 3, windowMs: 60_000 };
    // One process's clock is an hour ahead: it still counts in the same window as the others.
    const honest = new SlidingWindow(options);
    const skewed = new SlidingWindow({ ...options });
    const realNow = Date.now;
    Date.now = () => realNow() + 3_600_000;
    try {
      expect(await skewed.take('t', 2)).toMatchObject({ kind: 'admitted' });
    } finally {
      Date.now = realNow;
    }
    expect(await honest.take('t', 2)).toMatchObject({ kind: 'limited' });
    const [field] = await redis.hkeys(`${prefix}:t`);
    const [seconds] = await redis.time();
    expect(Number(field)).toBe(Math.floor((Number(seconds) * 1_000) / 60_000));
  });
});
