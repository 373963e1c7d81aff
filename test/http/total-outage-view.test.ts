import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';
import { withResetTimeout } from '../support/worker-harness.js';

let harness: ApiHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

interface View {
  state: string;
  reason?: string;
  nextAttemptAt?: string;
  attempts: number;
}

describe('the job view in a total outage', () => {
  it('40 jobs submitted while every provider is open all read deferred with a reason and a next attempt; all complete after healing', async () => {
    // A long open period: the outage lasts until the test heals it, whatever the machine's speed.
    harness = await new ApiHarness({ worker: true, config: withResetTimeout(60_000) }).start();
    const h = harness;
    for (const name of ['primary', 'secondary', 'tertiary'])
      h.simulator.configure(name, { mode: { kind: 'down', status: 503 } });
    await h.request('POST', '/v1/jobs/bulk', {
      jobs: [
        ...Array.from({ length: 4 }, (_, i) => ({ prompt: `trip ${i}` })),
        ...Array.from({ length: 3 }, (_, i) => ({ prompt: `trip solo ${i}`, route: 'solo' })),
      ],
    });
    await expect
      .poll(() => h.circuits.everyProviderOpenUntil() !== undefined, { timeout: 15_000 })
      .toBe(true);

    const submitted = await h.request<{ jobs: { id: string }[] }>('POST', '/v1/jobs/bulk', {
      jobs: Array.from({ length: 40 }, (_, i) => ({
        prompt: `during the outage ${i}`,
        ...(i % 4 === 0 ? { route: 'solo' } : {}),
      })),
    });
    expect(submitted.status).toBe(202);
    const ids = submitted.body.jobs.map((job) => job.id);

    // Read once, right away: the state is computed from the fleet's records when read, so no worker
    // has to touch a job for it to say why it waits.
    const views = await Promise.all(
      ids.map(async (id) => (await h.request<View>('GET', `/v1/jobs/${id}`)).body),
    );
    const now = Date.now();
    for (const view of views) {
      expect(view.state).toBe('deferred');
      expect(view.attempts).toBe(0);
      expect(view.reason).toMatch(/^(primary|tertiary) open until \d{4}-.*\(breaker open: /);
      expect(Date.parse(view.nextAttemptAt as string)).toBeGreaterThan(now);
    }
    const stats = await h.request<{ jobs: Record<string, number> }>('GET', '/v1/stats');
    expect((stats.body.jobs.deferred ?? 0) + (stats.body.jobs.delayed ?? 0)).toBeGreaterThanOrEqual(40);
    expect(stats.body.jobs.failed ?? 0).toBe(0);

    for (const name of ['primary', 'secondary', 'tertiary']) {
      h.simulator.configure(name, { mode: { kind: 'healthy' } });
      await h.request('POST', `/v1/providers/${name}/close`, { reason: 'healed' });
    }
    // The 40 run as soon as the providers close (the pause is lifted, deferred ones are woken). A
    // tripping job deferred before the fleet heard of the outage sleeps on its own timer: not awaited.
    await expect
      .poll(async () => (await h.states(ids)).filter((state) => state === 'completed').length, {
        timeout: 20_000,
      })
      .toBe(40);
    expect(await h.queue.getFailedCount()).toBe(0);
  });
});
