import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptEntry } from '../../src/queue/timeline.js';
import { StatsRecorder } from '../../src/stats/stats-recorder.js';
import { StatsStore } from '../../src/stats/stats-store.js';
import { redisUrl } from '../support/worker-harness.js';

const redis = new Redis(redisUrl);
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

function store() {
  const prefix = `bull:test-stats-${randomUUID()}`;
  prefixes.push(prefix);
  return new StatsStore({ redis, keyPrefix: prefix });
}

const ok = (model: string, costUsd: number | null) =>
  attemptEntry({
    provider: 'openai',
    model,
    outcome: 'ok',
    at: new Date().toISOString(),
    durationMs: 120,
    inputTokens: 100,
    outputTokens: 20,
    costUsd,
  });

describe('stats recorder and store (real Redis)', () => {
  it('applies a batch once when a flush is retried after a timeout that Redis had in fact applied', async () => {
    const real = store();
    let calls = 0;
    // The first add reaches Redis, then fails as a client-side timeout would.
    const flaky = {
      add: async (...args: Parameters<StatsStore['add']>) => {
        calls += 1;
        await real.add(...args);
        if (calls === 1) throw new Error('Command timed out');
      },
    };
    const errors: unknown[] = [];
    const recorder = new StatsRecorder({
      store: flaky,
      knownModels: new Set(['gpt-4.1-mini']),
      flushIntervalMs: 60_000,
      onError: (error) => errors.push(error),
    });
    recorder.attempt(ok('gpt-4.1-mini', 0.001));
    await recorder.flush();
    recorder.attempt(ok('gpt-4.1-mini', 0.001));
    await recorder.close();

    expect(errors).toHaveLength(1);
    const stats = await real.read();
    expect(stats.models).toHaveLength(1);
    expect(stats.models[0]).toMatchObject({ calls: { ok: 2 }, inputTokens: 200, outputTokens: 40 });
    expect(stats.models[0]?.costUsd).toBeCloseTo(0.002, 9);
    expect(stats.recent.get('openai')).toEqual({ calls: 2, failures: 0 });
  });

  it('counts models outside the config and price table as "other", and unpriced calls apart', async () => {
    const real = store();
    const recorder = new StatsRecorder({
      store: real,
      knownModels: new Set(['gpt-4.1-mini']),
      flushIntervalMs: 60_000,
    });
    for (let i = 0; i < 5; i++) recorder.attempt(ok(`made-up-${i}`, null));
    recorder.attempt(
      attemptEntry({
        provider: 'openai',
        model: 'gpt-4.1-mini',
        outcome: 'retryable',
        at: new Date(0).toISOString(),
        durationMs: 30_000,
        errorClass: 'timeout',
      }),
    );
    await recorder.close();
    const stats = await real.read();
    const other = stats.models.find((model) => model.model === 'other');
    expect(other).toMatchObject({ calls: { ok: 5 }, unpricedCalls: 5, costUsd: 0 });
    const timedOut = stats.models.find((model) => model.model === 'gpt-4.1-mini');
    expect(timedOut?.calls).toEqual({ timeout: 1 });
    // The total the API and the panel show, read back from Redis as /metrics reads it.
    expect(timedOut?.failures).toBe(1);
    expect(other?.failures).toBe(0);
    // 30 s falls in the 30 s bucket (index 8 of 0.05 … 120).
    expect(timedOut?.latencyBuckets[8]).toBe(1);
    expect(stats.recent.get('openai')).toEqual({ calls: 6, failures: 1 });
  });
});
