import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

/**
 * A job written straight into Redis (an older producer, a hand edit) with a model that steers the
 * Gemini URL: the worker sends nothing, to the simulator's control API or anywhere else.
 */
let harness: WorkerHarness;
beforeAll(async () => {
  harness = await new WorkerHarness().start();
});
afterAll(() => harness.stop());

describe('a worker given a path-steering model', () => {
  it('fails the job without a request; the simulator was neither called nor reset', async () => {
    harness.simulator.configure('tertiary', { latencyMs: { min: 1, max: 1 } });
    const job = await harness.queue.add(
      'completion',
      { prompt: 'hi', onAllOpen: 'defer', chain: [{ provider: 'tertiary', model: '../../_control/reset#' }] },
      { attempts: 1 },
    );
    const until = Date.now() + 10_000;
    while ((await job.getState()) !== 'failed' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await job.getState()).toBe('failed');
    expect(harness.simulator.stats('tertiary').calls).toBe(0);
    // /_control/reset would have cleared this profile.
    expect(harness.simulator.profile('tertiary').latencyMs).toEqual({ min: 1, max: 1 });
  });
});
