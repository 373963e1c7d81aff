import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';
import { completedAll, listCost, withBatches } from './batch-support.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

describe('a batch entry at the head of the chain', () => {
  it('collects jobs into provider batches of maxJobs and completes each at half the list price', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 5 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 300 });
    const jobs = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        harness.add({ prompt: `batch item ${index}`, route: 'batched' }),
      ),
    );
    const ids = jobs.map((job) => String(job.id));
    const results = await completedAll(harness, ids);

    const received = harness.simulator.batchesReceived();
    expect(received).toHaveLength(2);
    expect(received.flatMap((batch) => batch.customIds).sort()).toEqual([...ids].sort());
    expect(harness.simulator.stats('primary').calls).toBe(0);
    for (const [index, result] of results.entries()) {
      expect(result.text).toContain(`batch item ${index}`);
      expect(result.batch?.id).toMatch(/^bat_/);
      expect(result.fallbackUsed).toBe(false);
      expect(result.costUsd).toBeCloseTo(listCost(result.usage) / 2, 12);
    }
  });
});
