import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningProcess } from '../support/child-process.js';
import { FleetHarness } from '../support/fleet-harness.js';
import { waitForCount } from '../support/progress.js';

let harness: FleetHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/**
 * Short crash-safety settings so a killed worker's jobs come back within a few seconds. Not shorter:
 * with a 1 s lock a live worker starved of CPU missed its renewal, its job ran twice without any
 * kill, and the duplicate count no longer measured what kills cost.
 */
const crashQueue = { lockDurationMs: 3_000, stalledIntervalMs: 1_000, maxStalledCount: 20 };

/** Calls the simulator received more than once for the same job id: work done twice. */
function duplicates(calls: ReadonlyMap<string, number>): number {
  let extra = 0;
  for (const count of calls.values()) extra += count - 1;
  return extra;
}

describe('kill -9 of worker processes during a run', () => {
  it('every job completes, none failed, none lost; calls made twice are counted', async () => {
    harness = await new FleetHarness({ concurrency: 10, queue: crashQueue }).start();
    const h = harness;
    h.simulator.configure('primary', { latencyMs: { min: 30, max: 90 } });
    const jobs = 2_500;
    for (let sent = 0; sent < jobs; sent += 500) await h.add(Math.min(500, jobs - sent), `batch ${sent}`);
    const live: RunningProcess[] = [await h.startWorker(), await h.startWorker()];

    let kills = 0;
    const started = Date.now();
    while (kills < 5) {
      await delay(300);
      const { completed } = await h.counts();
      if (completed >= jobs) break;
      const victim = live.splice(Math.floor(Math.random() * live.length), 1)[0];
      victim?.signalGroup('SIGKILL');
      await victim?.exited;
      kills += 1;
      live.push(await h.startWorker());
    }

    // Bounded by progress, not by a stopwatch: on a loaded machine restarts and 2,500 calls take
    // longer, but completions keep coming; a lost job shows up as completions that stop short.
    await waitForCount(async () => (await h.counts()).completed, jobs, { stallMs: 20_000 });
    const counts = await h.counts();
    const calls = h.simulator.callsByJob();
    const figures = {
      jobs,
      kills,
      ms: Date.now() - started,
      jobsCalled: calls.size,
      duplicateCalls: duplicates(calls),
      jobsCalledTwiceOrMore: [...calls.values()].filter((count) => count > 1).length,
      abortedBySimulator: h.simulator.stats('primary').outcomes.aborted ?? 0,
    };
    console.log('kill -9 figures', JSON.stringify(figures));
    // The same figures over the simulator's control API, as an operator would read them.
    const control = (await (await fetch(`${h.simulator.url}/_control/jobs`)).json()) as {
      jobs: number;
      repeated: Record<string, number>;
    };
    expect(control.jobs).toBe(jobs);
    expect(Object.keys(control.repeated).sort()).toEqual([...h.simulator.repeatedCalls().keys()].sort());
    expect(Object.keys(control.repeated).length).toBeLessThanOrEqual(figures.jobsCalledTwiceOrMore);

    expect(kills).toBeGreaterThanOrEqual(3);
    expect(counts).toMatchObject({ completed: jobs, failed: 0, waiting: 0, active: 0, delayed: 0 });
    // Every job's provider call carried its id; a killed call shows up as a second call of its job.
    expect(calls.size).toBe(jobs);
    // Each call cut by a kill runs again; a kill cuts at most `concurrency` (10) calls.
    expect(figures.duplicateCalls).toBeGreaterThanOrEqual(figures.abortedBySimulator);
    expect(figures.duplicateCalls).toBeLessThanOrEqual(kills * 10);
    // A ceiling only, far above an idle run (about 15 s): the progress bound above is what fails a stuck run.
  }, 300_000);
});
