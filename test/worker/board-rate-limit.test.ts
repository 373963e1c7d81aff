import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness, withResetTimeout } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

/** What Bull Board shows as the queue's "rate limited" countdown (0: none). */
const boardRateLimitMs = (board: BullMQAdapter) => board.getActiveRateLimitTtl();

describe("Bull Board's rate-limit badge", () => {
  it('shows no rate limit after jobs run while providers are closed', async () => {
    harness = await new WorkerHarness().start();
    const board = new BullMQAdapter(harness.queue);
    const jobs = await Promise.all([harness.add({ prompt: 'a' }), harness.add({ prompt: 'b' })]);
    await expect
      .poll(() => harness.states(jobs.map((job) => job.id!)), { timeout: 10_000 })
      .toEqual(['completed', 'completed']);
    expect(await boardRateLimitMs(board)).toBe(0);
  });

  it('shows the pause while every provider is open', async () => {
    // Open periods far longer than the test, so the providers are still open when it looks.
    harness = await new WorkerHarness({ config: withResetTimeout(30_000) }).start();
    const board = new BullMQAdapter(harness.queue);
    for (const name of ['primary', 'secondary', 'tertiary'])
      harness.simulator.configure(name, { mode: { kind: 'down', status: 503 } });
    // Jobs on both routes until every breaker is open and a job has found them so.
    await expect
      .poll(
        async () => {
          await harness.add({ prompt: 'x' });
          await harness.add({ prompt: 'y', route: 'solo' });
          return boardRateLimitMs(board);
        },
        { timeout: 15_000, interval: 200 },
      )
      // Seconds, not the limiter's 1 ms window after each job: the pause lasts until a probe.
      .toBeGreaterThan(1_000);
    expect(harness.circuits.everyProviderOpenUntil()).toBeDefined();
  });
});
