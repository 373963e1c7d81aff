import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionJobResult, JobView } from '../../src/contract/job.js';
import type { StatsReport } from '../../src/contract/stats-report.js';
import { ApiHarness } from '../support/api-harness.js';
import { redisUrl } from '../support/worker-harness.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
});

async function start(cache: Record<string, unknown>) {
  const harness = await new ApiHarness({
    worker: true,
    config: (base) => ({ ...base, cache, pricing: { 'gpt-4.1-mini': { input: 1, output: 2 } } }),
  }).start();
  harnesses.push(harness);
  return harness;
}

async function submit(harness: ApiHarness, job: Record<string, unknown>): Promise<string> {
  const response = await harness.request<{ id: string }>('POST', '/v1/jobs', job);
  expect(response.status).toBe(202);
  return response.body.id;
}

/** A completion job's view: its result is an answer (embedding jobs are never cached). */
type CompletionView = Omit<JobView, 'result'> & { result?: CompletionJobResult };

async function finished(harness: ApiHarness, id: string): Promise<CompletionView> {
  await expect
    .poll(async () => (await harness.request<JobView>('GET', `/v1/jobs/${id}`)).body.state, {
      timeout: 10_000,
    })
    .toBe('completed');
  return (await harness.request<CompletionView>('GET', `/v1/jobs/${id}`)).body;
}

const calls = (harness: ApiHarness) => harness.simulator.stats('primary').calls;

describe('the result cache', () => {
  it('100 identical jobs submitted at once make 1 provider call', async () => {
    const harness = await start({ ttlSeconds: 60 });
    const jobs = Array.from({ length: 100 }, (_, index) => ({
      prompt: 'What is a breakwater?',
      maxTokens: 50,
      // Metadata never enters the key.
      metadata: { index },
    }));
    const accepted = await harness.request<{ jobs: { id: string }[] }>('POST', '/v1/jobs/bulk', { jobs });
    expect(accepted.status).toBe(202);
    const views = await Promise.all(accepted.body.jobs.map((job) => finished(harness, job.id)));
    expect(calls(harness)).toBe(1);
    const cached = views.filter((view) => view.result?.cached === true);
    expect(cached).toHaveLength(99);
    const texts = new Set(views.map((view) => view.result?.text));
    expect(texts.size).toBe(1);
    const served = cached[0];
    expect(served?.result).toMatchObject({ cached: true, costUsd: 0, attempts: [] });
    expect(served?.timeline).toEqual([
      { event: 'cache', at: expect.any(String), outcome: 'hit', storedAt: expect.any(String) },
    ]);
    const original = views.find((view) => view.result?.cached !== true)?.result?.costUsd ?? 0;
    expect(original).toBeGreaterThan(0);

    const stats = async () => (await harness.request<StatsReport>('GET', '/v1/stats')).body.cache;
    await expect.poll(async () => (await stats()).hits, { timeout: 5_000 }).toBe(99);
    expect(await stats()).toMatchObject({ staleHits: 0, misses: 1 });
    expect((await stats()).savedUsd).toBeCloseTo(original * 99, 6);
    const metrics = await fetch(`${harness.api.url}/metrics`).then((response) => response.text());
    expect(metrics).toContain('breakwater_cache_lookups_total{result="hit"} 99');
    expect(metrics).toContain('breakwater_cache_lookups_total{result="miss"} 1');
    expect(metrics).toMatch(/breakwater_cache_saved_usd_total [0-9.e-]+/);

    // The answer lives under the queue's keys, with a TTL (60 s fresh, no stale window).
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${harness.queue.qualifiedName}:breakwater:cache:*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0] ?? '');
    redis.disconnect();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    // Another temperature is another answer.
    await finished(
      harness,
      await submit(harness, { prompt: 'What is a breakwater?', maxTokens: 50, temperature: 1 }),
    );
    expect(calls(harness)).toBe(2);
  });

  it('a structured answer is served with its object; another schema is another answer', async () => {
    const harness = await start({ ttlSeconds: 60 });
    const schema = {
      type: 'object',
      properties: { sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] } },
      required: ['sentiment'],
      additionalProperties: false,
    };
    const job = { prompt: 'Classify: the tide came in.', output: { schema } };
    const first = await finished(harness, await submit(harness, job));
    expect(first.result?.object).toBeDefined();
    const second = await finished(harness, await submit(harness, job));
    expect(second.result).toMatchObject({
      cached: true,
      object: first.result?.object,
      text: first.result?.text,
    });
    expect(calls(harness)).toBe(1);
    // The same schema written in another key order is the same schema.
    const { required, ...rest } = schema;
    const reordered = { ...job, output: { schema: { required, ...rest } } };
    expect((await finished(harness, await submit(harness, reordered))).result?.cached).toBe(true);
    const other = { ...job, output: { schema: { ...schema, required: [] } } };
    expect((await finished(harness, await submit(harness, other))).result?.cached).toBeUndefined();
    expect(calls(harness)).toBe(2);
  });

  it('after the TTL a second call; cache: false always calls', async () => {
    const harness = await start({ ttlSeconds: 0 });
    // The TTL is far beyond the time between the first two jobs on a loaded machine.
    const job = { prompt: 'Name a harbour.', cache: { ttlSeconds: 3 } };
    await finished(harness, await submit(harness, job));
    expect((await finished(harness, await submit(harness, job))).result?.cached).toBe(true);
    expect(calls(harness)).toBe(1);
    await delay(3_100);
    expect((await finished(harness, await submit(harness, job))).result?.cached).toBeUndefined();
    expect(calls(harness)).toBe(2);

    const optOut = await finished(
      harness,
      await submit(harness, { prompt: 'Name a harbour.', cache: false }),
    );
    expect(optOut.result?.cached).toBeUndefined();
    expect(calls(harness)).toBe(3);
    // With the config's TTL at 0, a job that says nothing is not cached either.
    await finished(harness, await submit(harness, { prompt: 'Name a harbour.' }));
    expect(calls(harness)).toBe(4);
  });

  it('during a total outage a stale answer is served only with acceptStale: true', async () => {
    const harness = await start({ ttlSeconds: 1, staleIfAllOpenSeconds: 300 });
    const job = { prompt: 'Which way is the tide?' };
    const first = await finished(harness, await submit(harness, job));
    await delay(1_100);
    for (const name of ['primary', 'secondary']) {
      const opened = await harness.request('POST', `/v1/providers/${name}/open`, { reason: 'test outage' });
      expect(opened.status).toBe(200);
    }
    await expect
      .poll(() => ['primary', 'secondary'].map((name) => harness.circuits.get(name).availability().kind))
      .toEqual(['open', 'open']);

    const stale = await finished(harness, await submit(harness, { ...job, acceptStale: true }));
    expect(stale.result).toMatchObject({ cached: true, stale: true, text: first.result?.text });
    expect(stale.timeline.at(-1)).toMatchObject({ event: 'cache', outcome: 'stale' });

    const waiting = await submit(harness, job);
    await expect
      .poll(async () => (await harness.request<JobView>('GET', `/v1/jobs/${waiting}`)).body.state, {
        timeout: 10_000,
      })
      .toBe('deferred');
    expect(calls(harness)).toBe(1);
    await expect
      .poll(async () => (await harness.request<StatsReport>('GET', '/v1/stats')).body.cache.staleHits)
      .toBe(1);
  });
});
