import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

describe('429 with Retry-After', () => {
  it('keeps the provider shut for the Retry-After (5 s on an injected clock), then calls it again', async () => {
    // A clock that moves only when the test moves it: one that also followed real time let a loaded
    // machine's own second or so pass between the 429 and the job at +4 s, which then met primary
    // past its 5 s.
    let skew = 0;
    const frozenAt = Date.now();
    harness = await new WorkerHarness({ now: () => frozenAt + skew }).start();
    harness.simulator.configure('primary', { mode: { kind: 'rate-limited', retryAfterSeconds: 5 } });

    const first = await harness.add({ prompt: 'first' });
    await expect
      .poll(async () => (await harness.job(first.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    expect((await harness.job(first.id!)).returnvalue.attempts[0]).toMatchObject({
      outcome: 'retryable',
      status: 429,
      retryAfterMs: 5_000,
    });
    expect(harness.simulator.stats('primary').calls).toBe(1);

    // The provider has healed, but asked for 5 s: within them, no call reaches it.
    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    for (const offset of [0, 2_000, 4_000]) {
      skew = offset;
      const job = await harness.add({ prompt: `within ${offset}` });
      await expect
        .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 })
        .toBe('completed');
      const result = (await harness.job(job.id!)).returnvalue;
      expect(result.provider).toBe('secondary');
      expect(result.attempts[0]).toMatchObject({ provider: 'primary', outcome: 'skipped-open' });
      expect(result.attempts[0]?.error).toMatch(/primary asked to retry after 5 s \(429\)/);
    }
    expect(harness.simulator.stats('primary').calls).toBe(1);

    skew = 5_001;
    const after = await harness.add({ prompt: 'after' });
    await expect
      .poll(async () => (await harness.job(after.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    expect((await harness.job(after.id!)).returnvalue.provider).toBe('primary');
    expect(harness.simulator.stats('primary').calls).toBe(2);
  });

  it('a Retry-After beyond the cap holds the provider for 10 minutes at most', async () => {
    let skew = 0;
    harness = await new WorkerHarness({ now: () => Date.now() + skew }).start();
    harness.simulator.configure('primary', { mode: { kind: 'rate-limited', retryAfterSeconds: 3_600 } });
    const job = await harness.add({ prompt: 'x' });
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 })
      .toBe('completed');
    const availability = harness.circuits.get('primary').availability();
    expect(availability.kind).toBe('open');
    if (availability.kind === 'open')
      expect(availability.until - Date.now()).toBeLessThanOrEqual(10 * 60_000 + 50);
    skew = 10 * 60_000 + 1;
    // The hold was shared with the fleet: when it ends, one probe is admitted.
    expect(harness.circuits.get('primary').availability().kind).toBe('half-open');
  });
});
