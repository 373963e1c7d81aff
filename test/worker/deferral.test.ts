import { afterEach, describe, expect, it } from 'vitest';
import { readProgress } from '../../src/queue/deferral.js';
import { parseTimeline } from '../../src/queue/timeline.js';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

/** Opens both breakers of the default route with jobs the test does not look at. */
async function tripDefaultRoute(h: WorkerHarness) {
  h.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
  h.simulator.configure('secondary', { mode: { kind: 'down', status: 529 } });
  await Promise.all([1, 2].map(() => h.add({ prompt: 'warm-up' })));
  await expect
    .poll(() => ['primary', 'secondary'].map((name) => h.circuits.get(name).availability().kind), {
      timeout: 10_000,
    })
    .toEqual(['open', 'open']);
}

/** Every provider's breaker stays open for `resetTimeoutMs` before it admits a probe. */
function resetAfter(resetTimeoutMs: number) {
  return (base: Record<string, unknown>) => ({
    ...base,
    providers: Object.fromEntries(
      Object.entries(base.providers as Record<string, { breaker: object }>).map(([name, provider]) => [
        name,
        { ...provider, breaker: { ...provider.breaker, resetTimeoutMs } },
      ]),
    ),
  });
}

describe('deferral when every provider of the chain is open', () => {
  it('defers without spending an attempt, with a reason; after healing every job completes untouched', async () => {
    // Every job must meet both breakers still open (skipped, no call). With the harness's 0.6 s
    // reset a loaded machine was slower than that, and a job became primary's probe; 3 s is ample.
    harness = await new WorkerHarness({ config: resetAfter(3_000) }).start();
    await tripDefaultRoute(harness);
    const jobs = await Promise.all(Array.from({ length: 12 }, (_, i) => harness.add({ prompt: `job ${i}` })));
    const ids = jobs.map((job) => job.id!);
    const primaryCallsBefore = harness.simulator.stats('primary').calls;

    await expect
      .poll(async () => (await harness.states(ids)).every((state) => state === 'delayed'), {
        timeout: 10_000,
      })
      .toBe(true);
    for (const id of ids) {
      const job = await harness.job(id);
      expect(job.attemptsMade).toBe(0);
      const progress = readProgress(job.progress);
      expect(progress.deferrals).toBeGreaterThanOrEqual(1);
      expect(progress.reason).toMatch(
        /^primary open until \d{4}-\d\d-\d\dT.*Z \(breaker open: overloaded 503\), secondary open until/,
      );
      expect(progress.deferredUntil).toBeGreaterThan(Date.now() - 5_000);
      // Bull Board shows a delayed job's run time as created + delay: the same time the API gives.
      expect(job.timestamp + job.delay).toBe(progress.deferredUntil);
      // …and a deferral is not counted as a started attempt (Bull Board's "started" badge).
      expect(job.attemptsStarted).toBe(0);
      // The job log is its timeline: both entries skipped past open breakers, then the deferral.
      const timeline = parseTimeline((await harness.queue.getJobLogs(id)).logs);
      expect(timeline.slice(0, 3)).toMatchObject([
        { event: 'attempt', provider: 'primary', outcome: 'skipped-open', errorClass: 'breaker-open' },
        { event: 'attempt', provider: 'secondary', outcome: 'skipped-open', errorClass: 'breaker-open' },
        { event: 'deferral', reason: expect.stringMatching(/^primary open until/) },
      ]);
    }
    // Deferred jobs made no calls: open breakers are skipped.
    expect(harness.simulator.stats('primary').calls).toBe(primaryCallsBefore);

    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    harness.simulator.configure('secondary', { mode: { kind: 'healthy' } });
    await expect
      .poll(async () => (await harness.states(ids)).every((state) => state === 'completed'), {
        timeout: 15_000,
      })
      .toBe(true);
    const failed = await harness.queue.getFailedCount();
    expect(failed).toBe(0);
    // BullMQ counts the successful run as an attempt; the deferrals before it spent none.
    for (const id of ids) expect((await harness.job(id)).attemptsMade).toBe(1);
  });

  it('recovery: the half-open breaker lets one probe through, then deferred jobs flow again', async () => {
    harness = await new WorkerHarness().start();
    await tripDefaultRoute(harness);
    harness.simulator.configure('primary', { mode: { kind: 'healthy' }, latencyMs: { min: 100, max: 100 } });
    const callsAtHeal = harness.simulator.stats('primary').calls;
    const jobs = await Promise.all(Array.from({ length: 8 }, (_, i) => harness.add({ prompt: `job ${i}` })));
    await expect
      .poll(
        async () =>
          (await harness.states(jobs.map((job) => job.id!))).every((state) => state === 'completed'),
        { timeout: 15_000 },
      )
      .toBe(true);
    const recent = harness.simulator.stats('primary').times.slice(callsAtHeal);
    // The first call after healing is the lone probe: nothing else reaches the provider until it answers.
    expect(recent.length).toBeGreaterThanOrEqual(8);
    expect(recent[1]! - recent[0]!).toBeGreaterThanOrEqual(90);
  });

  it('a job whose deferral would pass its deadline fails with the reason', async () => {
    // Breakers open for 30 s and a deadline 5 s away: the job runs well before its deadline (a loaded
    // machine once took more than the 150 ms this test used to allow), and deferring it to the
    // breakers' reopening would pass it.
    harness = await new WorkerHarness({ config: resetAfter(30_000) }).start();
    await tripDefaultRoute(harness);
    const job = await harness.add({
      prompt: 'urgent-ish',
      deadline: new Date(Date.now() + 5_000).toISOString(),
    });
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 10_000 })
      .toBe('failed');
    const failed = await harness.job(job.id!);
    expect(failed.failedReason).toMatch(
      /^deadline exceeded while every provider was unavailable: primary open until/,
    );
    expect(failed.attemptsMade).toBe(1);
  });

  it('onAllOpen: "fail" fails at once instead of deferring', async () => {
    harness = await new WorkerHarness().start();
    await tripDefaultRoute(harness);
    const job = await harness.add({ prompt: 'now or never', onAllOpen: 'fail' });
    await expect.poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 }).toBe('failed');
    expect((await harness.job(job.id!)).failedReason).toMatch(
      /^every provider is unavailable: primary open until/,
    );
  });

  it('other routes keep running while one route is deferred (no queue-wide pause)', async () => {
    harness = await new WorkerHarness().start();
    await tripDefaultRoute(harness);
    const solo = await harness.add({ prompt: 'on another route', route: 'solo' });
    await expect
      .poll(async () => (await harness.job(solo.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    expect((await harness.job(solo.id!)).returnvalue.provider).toBe('tertiary');
  });

  it('mixed failures while a breaker is still closed: an ordinary retry that spends an attempt', async () => {
    harness = await new WorkerHarness({
      config: (base) => ({ ...base, queue: { ...(base.queue as object), concurrency: 1 } }),
    }).start();
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 500 } });
    harness.simulator.configure('secondary', { mode: { kind: 'down', status: 502 } });
    const job = await harness.add({ prompt: 'flaky' });
    // Run 1: one failure each, below the volume threshold: breakers stay closed → retry (attempt 1 spent).
    // Run 2: the second failures open both breakers → deferred, no further attempt spent.
    await expect
      .poll(async () => readProgress((await harness.job(job.id!)).progress).deferrals, { timeout: 10_000 })
      .toBe(1);
    const deferred = await harness.job(job.id!);
    expect(deferred.attemptsMade).toBe(1);
    expect(await deferred.getState()).toBe('delayed');
    expect(harness.simulator.stats('primary').calls).toBe(2);
  });

  it('a job already past its deadline fails without a call', async () => {
    harness = await new WorkerHarness().start();
    const job = await harness.add({ prompt: 'late', deadline: new Date(Date.now() - 1_000).toISOString() });
    await expect.poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 }).toBe('failed');
    expect((await harness.job(job.id!)).failedReason).toMatch(
      /^deadline exceeded \(.*\) before the job could run/,
    );
    expect(harness.simulator.stats('primary').calls).toBe(0);
  });
});
