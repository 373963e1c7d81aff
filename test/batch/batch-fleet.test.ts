import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionJobResult } from '../../src/contract/index.js';
import type { ReceivedBatch } from '../../src/simulator/batch/batch-desk.js';
import { FleetHarness } from '../support/fleet-harness.js';
import { waitForCount } from '../support/progress.js';
import { WorkerHarness } from '../support/worker-harness.js';
import { listCost, withBatches } from './batch-support.js';

let harness: WorkerHarness | undefined;
let fleet: FleetHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  await fleet?.stop();
  harness = undefined;
  fleet = undefined;
});

/** Job ids that the simulator received in more than one batch. */
function inTwoBatches(received: readonly ReceivedBatch[]): string[] {
  const seen = new Map<string, number>();
  for (const id of received.flatMap((batch) => batch.customIds)) seen.set(id, (seen.get(id) ?? 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}

async function addMany(h: WorkerHarness, count: number, input: (index: number) => Record<string, unknown>) {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 100) {
    const jobs = await Promise.all(
      Array.from({ length: Math.min(100, count - start) }, (_, offset) => h.add(input(start + offset))),
    );
    ids.push(...jobs.map((job) => String(job.id)));
  }
  return ids;
}

describe('batches at scale', () => {
  it('1,000 jobs with maxJobs 400 and a 3 s turnaround, two worker processes: exactly 3 provider batches, 0 synchronous calls, half price', async () => {
    // maxWaitMs far above the time collecting 1,000 jobs takes, so only the last batch is partial.
    fleet = await new FleetHarness({
      concurrency: 10,
      document: withBatches(
        { maxJobs: 400, maxWaitMs: 20_000, pollIntervalMs: 500 },
        {
          routes: {
            default: [
              { provider: 'primary', model: 'gpt-4.1-mini', batch: true },
              { provider: 'primary', model: 'gpt-4.1-mini' },
            ],
          },
        },
      ),
    }).start();
    const f = fleet;
    f.simulator.configureBatches('primary', { turnaroundMs: 3_000 });
    await Promise.all([f.startWorker(), f.startWorker()]);
    const started = Date.now();
    const jobs = [];
    for (let sent = 0; sent < 1_000; sent += 500) jobs.push(...(await f.add(500, `thousand ${sent}`)));
    await waitForCount(async () => (await f.counts()).completed, 1_000, { stallMs: 30_000 });
    const received = f.simulator.batchesReceived();
    console.log(
      '1,000 batched jobs',
      JSON.stringify({ ms: Date.now() - started, batches: received.map((batch) => batch.customIds.length) }),
    );
    expect(received.map((batch) => batch.customIds.length).sort()).toEqual([200, 400, 400]);
    expect(inTwoBatches(received)).toEqual([]);
    expect(f.simulator.stats('primary').calls).toBe(0);
    const results = await Promise.all(
      jobs.map(async (job) => (await f.queue.getJob(String(job.id)))?.returnvalue as CompletionJobResult),
    );
    expect(results.filter((result) => result?.batch === undefined)).toEqual([]);
    for (const result of results) expect(result.costUsd).toBeCloseTo(listCost(result.usage) / 2, 12);
    expect(await f.counts()).toMatchObject({
      completed: 1_000,
      failed: 0,
      delayed: 0,
      waiting: 0,
      active: 0,
    });
    // Counts decide, with a stall check: two worker processes compiling on start and three provider
    // batches of 3 s take 15 s idle and near 30 s on a loaded machine.
  }, 120_000);

  it('2,000 batched jobs waiting hold no worker slot: 100 ordinary jobs complete meanwhile at concurrency 10', async () => {
    harness = await new WorkerHarness({
      config: withBatches({ maxJobs: 5_000, maxWaitMs: 600_000 }),
    }).start();
    const h = harness;
    const batched = await addMany(h, 2_000, (index) => ({ prompt: `patient ${index}`, route: 'batched' }));
    const ordinary = await addMany(h, 100, (index) => ({ prompt: `ordinary ${index}` }));
    await waitForCount(
      async () =>
        (await Promise.all(ordinary.map(async (id) => (await h.job(id)).getState()))).filter(
          (state) => state === 'completed',
        ).length,
      100,
      { stallMs: 30_000 },
    );
    // A batched job still parking when the last ordinary one completes is parked a moment later.
    await expect
      .poll(() => h.queue.getJobCounts('delayed', 'active', 'completed'), { timeout: 15_000 })
      .toEqual({ delayed: 2_000, active: 0, completed: 100 });
    const sample = await h.job(batched[0] ?? '');
    expect(sample.progress).toMatchObject({ batch: { provider: 'primary', model: 'gpt-4.1-mini' } });
    expect(h.simulator.batchesReceived()).toEqual([]);
  });
});

describe('a worker killed while batches are in flight', () => {
  it('SIGKILL with another worker running: every job completes, none lost, none in two provider batches', async () => {
    fleet = await new FleetHarness({
      concurrency: 10,
      queue: { lockDurationMs: 3_000, stalledIntervalMs: 1_000, maxStalledCount: 20 },
      document: withBatches(
        { maxJobs: 100, maxWaitMs: 1_000, pollIntervalMs: 300 },
        {
          routes: {
            default: [
              { provider: 'primary', model: 'gpt-4.1-mini', batch: true },
              { provider: 'primary', model: 'gpt-4.1-mini' },
            ],
          },
        },
      ),
    }).start();
    const f = fleet;
    f.simulator.configureBatches('primary', { turnaroundMs: 3_000 });
    const jobs = 600;
    for (let sent = 0; sent < jobs; sent += 200) await f.add(200, `crash ${sent}`);
    const victim = await f.startWorker();
    const survivor = await f.startWorker();
    // Kill once batches are running and jobs are still being collected.
    while (f.simulator.batchesReceived().length < 2) await delay(100);
    victim.signalGroup('SIGKILL');
    await victim.exited;
    await waitForCount(async () => (await f.counts()).completed, jobs, { stallMs: 40_000 });
    const received = f.simulator.batchesReceived();
    console.log(
      'batches across a kill -9',
      JSON.stringify({ batches: received.length, sizes: received.map((batch) => batch.customIds.length) }),
    );
    expect(await f.counts()).toMatchObject({ completed: jobs, failed: 0, waiting: 0, active: 0, delayed: 0 });
    expect(inTwoBatches(received)).toEqual([]);
    expect(new Set(received.flatMap((batch) => batch.customIds)).size).toBe(jobs);
    expect(f.simulator.stats('primary').calls).toBe(0);
    expect(survivor.child.exitCode).toBeNull();
  });
});
