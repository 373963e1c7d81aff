import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { LimitsStore } from '../../src/admission/limits-store.js';
import type { BudgetPeriod } from '../../src/config/schema.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { readProgress } from '../../src/queue/deferral.js';
import { parseTimeline } from '../../src/queue/timeline.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';
import { redisUrl, WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
let redis: Redis | undefined;
afterEach(async () => {
  await harness.stop();
  redis?.disconnect();
  redis = undefined;
});

/** The config with `primary` limited to `rpm` and the default route's first entry saying `onLimit`. */
function limitedPrimary(rpm: number, onLimit: 'next' | 'wait') {
  return (base: Record<string, unknown>) => {
    const providers = base.providers as Record<string, Record<string, unknown>>;
    const routes = base.routes as Record<string, Record<string, unknown>[]>;
    return {
      ...base,
      providers: { ...providers, primary: { ...providers.primary, limits: { rpm } } },
      routes: {
        ...routes,
        default: [{ ...routes.default?.[0], onLimit }, ...(routes.default ?? []).slice(1)],
      },
    };
  };
}

async function completedAll(ids: string[], timeout = 20_000) {
  await expect
    .poll(async () => (await harness.states(ids)).filter((state) => state === 'completed').length, {
      timeout,
      interval: 100,
    })
    .toBe(ids.length);
  return Promise.all(ids.map(async (id) => harness.job(id)));
}

describe('admission control', () => {
  it('onLimit next: jobs spill to the next entry while the first is at capacity', async () => {
    // 60 rpm paces at 0.98 calls per second: one call, then the bucket is empty for a second.
    harness = await new WorkerHarness({ config: limitedPrimary(60, 'next') }).start();
    const jobs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => harness.add({ prompt: `spill ${i}` })),
    );
    const done = await completedAll(jobs.map((job) => job.id!));
    const byProvider = (name: string) => done.filter((job) => job.returnvalue.provider === name).length;
    expect(byProvider('secondary')).toBeGreaterThanOrEqual(7);
    expect(byProvider('primary') + byProvider('secondary')).toBe(10);
    const spilled = done.find((job) => job.returnvalue.provider === 'secondary')!;
    expect(spilled.returnvalue.attempts[0]).toMatchObject({
      provider: 'primary',
      outcome: 'skipped-limit',
      errorClass: 'rate-limit',
    });
    expect(spilled.returnvalue.attempts[0]?.error).toMatch(
      /^primary rate limit: 0 of 60 requests left until \d\d:\d\d:\d\dZ$/,
    );
    // Skipping for a limit is not a failure of the provider.
    expect(harness.circuits.get('primary').availability().kind).toBe('closed');
  });

  it('onLimit wait: jobs wait for the first entry, spending no attempt, and never spill', async () => {
    // 600 rpm paces at 9.8 calls per second: 20 jobs need about two seconds of it.
    harness = await new WorkerHarness({ config: limitedPrimary(600, 'wait') }).start();
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => harness.add({ prompt: `wait ${i}` })),
    );
    const done = await completedAll(jobs.map((job) => job.id!));
    expect(done.every((job) => job.returnvalue.provider === 'primary')).toBe(true);
    expect(harness.simulator.stats('secondary').calls).toBe(0);
    expect(harness.simulator.stats('primary').calls).toBe(20);
    const waited = done.filter((job) => (readProgress(job.progress).limitWaits ?? 0) > 0);
    expect(waited.length).toBeGreaterThan(0);
    for (const job of waited) {
      // One attempt: the run that completed it. The waits spent none.
      expect(job.attemptsMade).toBe(1);
      const logs = await harness.queue.getJobLogs(job.id!);
      const wait = parseTimeline(logs.logs).find((entry) => entry.event === 'deferral');
      expect(wait).toMatchObject({ event: 'deferral', cause: 'limit' });
      expect(wait?.event === 'deferral' ? wait.reason : '').toMatch(
        /primary rate limit: \d+ of 600 requests left/,
      );
    }
  });

  it('tokens per minute: long prompts are paced by tokens, not requests', async () => {
    // 300,000 tpm paces at 4,900 tokens a second; each job is charged 500 input + 100 output tokens
    // up front, so about 8 jobs a second go, though 3,000 rpm would let 49 a second through.
    const tpm = 300_000;
    harness = await new WorkerHarness({
      config: (base) => {
        const providers = base.providers as Record<string, Record<string, unknown>>;
        return {
          ...base,
          providers: { ...providers, primary: { ...providers.primary, limits: { rpm: 3_000, tpm } } },
          routes: { ...(base.routes as object), default: [{ provider: 'primary', model: 'gpt-4.1-mini' }] },
        };
      },
    }).start();
    harness.simulator.configure('primary', { limits: { tpm } });
    const jobs = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        harness.add({ prompt: `${i} ${'x'.repeat(1_996)}`.slice(0, 2_000), maxTokens: 100 }),
      ),
    );
    await completedAll(
      jobs.map((job) => job.id!),
      30_000,
    );
    const stats = harness.simulator.stats('primary');
    const times = [...stats.times].sort((a, b) => a - b);
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    const perSecond = ((stats.outcomes.ok ?? 0) - 1) / (spanMs / 1_000);
    const tokenBound = (tpm * 0.98) / 60 / 600;
    console.info(
      `tpm pacing: ${perSecond.toFixed(1)} jobs/s over ${spanMs} ms; tokens allow ${tokenBound.toFixed(1)}, requests 49`,
    );
    expect(stats.outcomes.ok).toBe(40);
    expect(perSecond).toBeLessThan(tokenBound * 1.5);
    expect(perSecond).toBeGreaterThan(tokenBound * 0.5);
    expect(stats.outcomes['429'] ?? 0).toBeLessThanOrEqual(2);
  });

  it('a budget: spend never passes it by more than one job, the rest wait for the next window', async () => {
    // Windows of 3 s stand in for hours; the price makes each job cost about a cent.
    const windowMs = 3_000;
    const budgetWindow = (_per: BudgetPeriod, now: number) => {
      const start = Math.floor(now / windowMs) * windowMs;
      return { start, end: start + windowMs };
    };
    harness = await new WorkerHarness({
      budgetWindow,
      config: (base) => ({
        ...base,
        pricing: { 'gemini-2.5-flash': { input: 500, output: 500 } },
        budgets: [{ name: 'evals', usd: 0.05, per: 'hour', route: 'solo' }],
      }),
    }).start();
    const jobs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        harness.add({ route: 'solo', prompt: `eval ${i}`, maxTokens: 20 }),
      ),
    );
    const done = await completedAll(
      jobs.map((job) => job.id!),
      30_000,
    );
    const costs = done.map((job) => job.returnvalue.costUsd ?? 0);
    const maxJobCost = Math.max(...costs);
    expect(maxJobCost).toBeGreaterThan(0.005);
    // Every window's spend, as admission kept it, from Redis.
    redis = new Redis(redisUrl);
    const keys = new BreakwaterKeys(queueKeyOf(harness.queueName));
    const windows = await redis.keys(`${keys.budget('evals', 0).replace(/:0$/, '')}:*`);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    for (const key of windows) {
      expect(Number(await redis.get(key))).toBeLessThanOrEqual(0.05 + maxJobCost + 1e-9);
    }
    const waited = done.find((job) => (readProgress(job.progress).limitWaits ?? 0) > 0);
    expect(waited).toBeDefined();
    const logs = parseTimeline((await harness.queue.getJobLogs(waited!.id!)).logs);
    const wait = logs.find((entry) => entry.event === 'deferral');
    expect(wait?.event === 'deferral' ? wait.reason : '').toMatch(
      /^evals budget: \$0\.05 of \$0\.05 spent this hour, resets \d\d:\d\dZ$/,
    );
  });

  it('an exhausted quota: no call to the provider for the quota period, jobs served by the next entry', async () => {
    harness = await new WorkerHarness().start();
    harness.simulator.configure('primary', { mode: { kind: 'quota-exhausted' } });
    const first = await harness.add({ prompt: 'first' });
    const [served] = await completedAll([first.id!]);
    expect(served?.returnvalue.provider).toBe('secondary');
    expect(served?.returnvalue.attempts[0]).toMatchObject({ outcome: 'quota', status: 429 });

    const more = await Promise.all(Array.from({ length: 5 }, (_, i) => harness.add({ prompt: `more ${i}` })));
    const done = await completedAll(more.map((job) => job.id!));
    for (const job of done) {
      expect(job.returnvalue.provider).toBe('secondary');
      expect(job.returnvalue.attempts[0]).toMatchObject({ outcome: 'skipped-limit', errorClass: 'quota' });
    }
    expect(harness.simulator.stats('primary').calls).toBe(1);
    expect(harness.circuits.get('primary').availability().kind).toBe('closed');

    redis = new Redis(redisUrl);
    const limits = new LimitsStore({
      redis,
      keys: new BreakwaterKeys(queueKeyOf(harness.queueName)),
      config: harness.config,
    });
    const snapshot = await limits.read(Date.now());
    expect(snapshot.providers.get('primary')?.capacity).toBe('quota-exhausted');
    expect(snapshot.providers.get('secondary')?.capacity).toBe('available');
  });
});
