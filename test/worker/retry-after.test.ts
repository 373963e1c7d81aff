import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

describe('429 with Retry-After: a limit, not an outage', () => {
  it('holds the model back for the Retry-After (5 s on an injected clock) without touching its breaker', async () => {
    // A clock that moves only when the test moves it, so a loaded machine's own seconds never count.
    let skew = 0;
    const frozenAt = Date.now();
    harness = await new WorkerHarness({ now: () => frozenAt + skew }).start();
    harness.simulator.configure('primary', { mode: { kind: 'rate-limited', retryAfterSeconds: 5 } });

    const first = await harness.add({ prompt: 'first' });
    await expect
      .poll(async () => (await harness.job(first.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    const served = (await harness.job(first.id!)).returnvalue;
    // The 429 sent the job on to the next entry at once, in the same run.
    expect(served.provider).toBe('secondary');
    expect(served.attempts[0]).toMatchObject({ outcome: 'limited', status: 429, retryAfterMs: 5_000 });
    expect(harness.simulator.stats('primary').calls).toBe(1);

    // The provider would answer again, but asked for 5 s: within them, no call reaches it.
    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    for (const offset of [0, 2_000, 4_000]) {
      skew = offset;
      const job = await harness.add({ prompt: `within ${offset}` });
      await expect
        .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 })
        .toBe('completed');
      const result = (await harness.job(job.id!)).returnvalue;
      expect(result.provider).toBe('secondary');
      expect(result.attempts[0]).toMatchObject({
        provider: 'primary',
        outcome: 'skipped-limit',
        errorClass: 'rate-limit',
      });
      expect(result.attempts[0]?.error).toMatch(/primary\/gpt-4\.1-mini rate limited \(429\) until/);
    }
    expect(harness.simulator.stats('primary').calls).toBe(1);
    expect(harness.circuits.get('primary').availability().kind).toBe('closed');

    skew = 5_001;
    const after = await harness.add({ prompt: 'after' });
    await expect
      .poll(async () => (await harness.job(after.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    expect((await harness.job(after.id!)).returnvalue.provider).toBe('primary');
    expect(harness.simulator.stats('primary').calls).toBe(2);
  });

  it('a Retry-After beyond the cap holds the model back for 10 minutes at most', async () => {
    let skew = 0;
    const frozenAt = Date.now();
    harness = await new WorkerHarness({ now: () => frozenAt + skew }).start();
    harness.simulator.configure('primary', { mode: { kind: 'rate-limited', retryAfterSeconds: 3_600 } });
    const job = await harness.add({ prompt: 'x' });
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });

    skew = 10 * 60_000 - 1_000;
    const held = await harness.add({ prompt: 'held' });
    await expect
      .poll(async () => (await harness.job(held.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    expect((await harness.job(held.id!)).returnvalue.provider).toBe('secondary');

    skew = 10 * 60_000 + 1;
    const freed = await harness.add({ prompt: 'freed' });
    await expect
      .poll(async () => (await harness.job(freed.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    expect((await harness.job(freed.id!)).returnvalue.provider).toBe('primary');
    expect(harness.circuits.get('primary').availability().kind).toBe('closed');
  });
});
