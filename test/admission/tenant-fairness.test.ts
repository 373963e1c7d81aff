import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('tenants', () => {
  it("a tenant's backlog does not starve another tenant", { timeout: 90_000 }, async () => {
    const capRpm = 300;
    harness = await new WorkerHarness({
      config: (base) => ({
        ...base,
        routes: { ...(base.routes as object), default: [{ provider: 'primary', model: 'gpt-4.1-mini' }] },
        tenants: { big: { rpm: capRpm }, small: { rpm: capRpm } },
      }),
    }).start();
    const h = harness;
    await h.queue.addBulk([]);
    const big = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => h.add({ prompt: `big ${i}`, tenant: 'big' })),
    );
    const submitted = Date.now();
    const small = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.add({ prompt: `small ${i}`, tenant: 'small' })),
    );
    await expect
      .poll(
        async () => (await h.states(small.map((job) => job.id!))).filter((s) => s === 'completed').length,
        {
          timeout: 60_000,
          interval: 200,
        },
      )
      .toBe(50);
    const waits = (await Promise.all(small.map((job) => h.job(job.id!))))
      .map((job) => (job.finishedOn ?? Number.POSITIVE_INFINITY) - submitted)
      .sort((a, b) => a - b);
    const median = waits[Math.floor(waits.length / 2)] ?? Number.POSITIVE_INFINITY;
    // Serving 50 jobs at the small tenant's own cap takes this long; its median wait stays under it.
    const atCapMs = (50 / capRpm) * 60_000;
    console.info(`tenant "small": median wait ${median} ms, 50 jobs at its cap take ${atCapMs} ms`);
    expect(median).toBeLessThan(atCapMs);
    // The big tenant is still being served, at its own cap. Counts, not a stopwatch: at 300 rpm its
    // 1,000 jobs need 200 s, while the wait above gives up after 60 s; an idle run finds about 50 done.
    const bigDone = (await h.states(big.map((job) => job.id!))).filter((s) => s === 'completed').length;
    expect(bigDone).toBeGreaterThan(0);
    expect(bigDone).toBeLessThan(1_000);
  });
});
