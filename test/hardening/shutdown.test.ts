import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetHarness } from '../support/fleet-harness.js';

let harness: FleetHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('SIGTERM of a worker process during a run', () => {
  it('in-flight calls finish within the grace period: exit 0, nothing lost, nothing run twice', async () => {
    harness = await new FleetHarness({
      concurrency: 20,
      // Margin for lock renewal on a loaded machine: a lost lock would show as a job run twice.
      queue: { lockDurationMs: 3_000, stalledIntervalMs: 1_000 },
      env: { BREAKWATER_SHUTDOWN_GRACE_MS: '5000' },
    }).start();
    const h = harness;
    h.simulator.configure('primary', { latencyMs: { min: 100, max: 250 } });
    const jobs = 200;
    await h.add(jobs, 'sigterm');
    const first = await h.startWorker();
    await expect.poll(async () => (await h.counts()).completed, { timeout: 10_000 }).toBeGreaterThan(20);
    await expect.poll(() => h.simulator.stats('primary').inFlight).toBeGreaterThan(0);

    const signalled = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const stoppedMs = Date.now() - signalled;
    expect(first.output()).toContain('"msg":"worker stopped"');
    const afterStop = await h.counts();
    expect(afterStop.active).toBe(0);

    // A second worker, started after a pause longer than the lock, finds every job still there.
    await delay(1_200);
    await h.startWorker();
    await expect.poll(async () => (await h.counts()).completed, { timeout: 20_000 }).toBe(jobs);
    const calls = h.simulator.callsByJob();
    const runTwice = [...calls.values()].filter((count) => count > 1).length;
    console.log(
      'SIGTERM figures',
      JSON.stringify({ jobs, stoppedMs, completedAtStop: afterStop.completed, runTwice }),
    );
    expect(await h.counts()).toMatchObject({ completed: jobs, failed: 0, delayed: 0, waiting: 0 });
    expect(calls.size).toBe(jobs);
    expect(runTwice).toBe(0);
    expect(h.simulator.stats('primary').outcomes.aborted ?? 0).toBe(0);
  });

  it('calls that outlive the grace period are aborted and their jobs returned: exit 0, no attempt spent, none failed', async () => {
    harness = await new FleetHarness({
      concurrency: 5,
      queue: { lockDurationMs: 1_000, stalledIntervalMs: 500 },
      env: { BREAKWATER_SHUTDOWN_GRACE_MS: '300' },
    }).start();
    const h = harness;
    h.simulator.configure('primary', { mode: { kind: 'hang' } });
    const jobs = await h.add(5, 'stuck');
    const first = await h.startWorker();
    await expect.poll(() => h.simulator.stats('primary').inFlight, { timeout: 10_000 }).toBe(5);

    const signalled = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const stoppedMs = Date.now() - signalled;
    // Within the grace period plus the time to hand the jobs back, well before the calls' 2 s timeout.
    expect(stoppedMs).toBeLessThan(1_800);
    for (const job of jobs) {
      const returned = await h.queue.getJob(String(job.id));
      expect(['delayed', 'waiting']).toContain(await returned?.getState());
      expect(returned?.attemptsMade).toBe(0);
    }
    expect(h.simulator.stats('primary').outcomes.aborted).toBe(5);
    expect(h.simulator.stats('secondary').calls).toBe(0);

    h.simulator.configure('primary', { mode: { kind: 'healthy' } });
    await h.startWorker();
    await expect.poll(async () => (await h.counts()).completed, { timeout: 10_000 }).toBe(5);
    expect((await h.counts()).failed).toBe(0);
    console.log('SIGTERM abort figures', JSON.stringify({ jobs: 5, stoppedMs }));
  });
});
