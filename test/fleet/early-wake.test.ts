import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

describe('early wake', () => {
  it('after recovery, deferred jobs complete long before their own timers, released in a ramp', async () => {
    harness = await new WorkerHarness({
      config: (base) => ({
        ...base,
        queue: { ...(base.queue as object), deferralSafetyMs: 30_000, wakeRampIntervalMs: 200 },
      }),
    }).start();
    harness.simulator.configure('tertiary', { mode: { kind: 'down', status: 503 } });
    await Promise.all([1, 2].map((i) => harness.add({ prompt: `warm-up ${i}`, route: 'solo' })));
    await expect
      .poll(() => harness.circuits.get('tertiary').availability().kind, { timeout: 5_000 })
      .toBe('open');

    const jobs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => harness.add({ prompt: `job ${i}`, route: 'solo' })),
    );
    const ids = jobs.map((job) => job.id!);
    await expect
      .poll(async () => (await harness.states(ids)).filter((state) => state === 'delayed').length, {
        timeout: 10_000,
      })
      .toBe(40);
    const timers = await Promise.all(
      ids.map(async (id) => (await harness.job(id)).progress as { deferredUntil: number }),
    );
    const earliestTimer = Math.min(...timers.map((progress) => progress.deferredUntil));
    expect(earliestTimer - Date.now()).toBeGreaterThan(25_000);

    const healed = Date.now();
    harness.simulator.configure('tertiary', { mode: { kind: 'healthy' } });
    await expect
      .poll(async () => (await harness.states(ids)).every((state) => state === 'completed'), {
        timeout: 15_000,
      })
      .toBe(true);
    const drainedAt = Date.now();
    expect(drainedAt).toBeLessThan(earliestTimer);

    // The call rate after the probe: 200 ms buckets grow (1, 2, 4, 8…) instead of 40 at once.
    const calls = harness.simulator.stats('tertiary').times.filter((at) => at >= healed);
    const probe = calls[0] ?? Number.NaN;
    const buckets: number[] = [];
    for (const at of calls) {
      const bucket = Math.floor((at - probe) / 200);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    const rate = Array.from(buckets, (count) => count ?? 0);
    console.log(
      'early wake: calls per 200 ms after the probe',
      JSON.stringify(rate),
      `drained in ${drainedAt - healed} ms`,
    );
    // 40 jobs and the 2 warm-ups (deferred too), one of them carrying the probe.
    expect(calls).toHaveLength(42);
    expect(rate[0]).toBeLessThanOrEqual(3);
    expect(Math.max(...rate.slice(0, 3))).toBeLessThan(8);
    expect(rate.length).toBeGreaterThanOrEqual(4);
  });
});
