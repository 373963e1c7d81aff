import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

interface Accepted {
  id: string;
  state: string;
}
type View = Record<string, unknown> & { state: string };

const stateOf = async (h: ApiHarness, id: string) =>
  (await h.request<View>('GET', `/v1/jobs/${id}`)).body.state;

describe('a job seen through the API while workers run it', () => {
  it('completed: the result with provider, usage and timestamps; cancelling it is a 409', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const { body } = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'classify: refund' });
    await expect.poll(() => stateOf(harness, body.id), { timeout: 10_000 }).toBe('completed');
    const view = (await harness.request<View>('GET', `/v1/jobs/${body.id}`)).body;
    expect(view).toMatchObject({
      state: 'completed',
      attempts: 1,
      deferrals: 0,
      result: { provider: 'primary', model: 'gpt-4.1-mini', fallbackUsed: false },
    });
    expect((view.result as { text: string }).text).toContain('classify: refund');
    expect(Date.parse(view.finishedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(view.createdAt as string),
    );
    const cancel = await harness.request('DELETE', `/v1/jobs/${body.id}`);
    expect(cancel.status).toBe(409);
    expect(await harness.queue.getJobCountByTypes('completed')).toBe(1);
  });

  it('failed: the error says why (every provider rejected the prompt)', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    for (const name of ['primary', 'secondary'])
      harness.simulator.configure(name, { rejectPattern: 'forbidden' });
    const { body } = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'a forbidden topic' });
    await expect.poll(() => stateOf(harness, body.id), { timeout: 10_000 }).toBe('failed');
    const view = (await harness.request<View>('GET', `/v1/jobs/${body.id}`)).body;
    expect(view.error).toMatch(/^every provider rejected the request: primary\/gpt-4.1-mini: rejected/);
    expect(view.finishedAt).toEqual(expect.any(String));
  });

  it('active: a running job cannot be cancelled', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    harness.simulator.configure('primary', { latencyMs: { min: 3_000, max: 3_000 } });
    const { body } = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'slow' });
    await expect.poll(() => stateOf(harness, body.id), { timeout: 5_000 }).toBe('active');
    const cancel = await harness.request<{ error: { code: string } }>('DELETE', `/v1/jobs/${body.id}`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('conflict');
    expect(await stateOf(harness, body.id)).toBe('active');
  });

  it('deferred during a total outage: nextAttemptAt, the reason, no attempt spent; providers show open', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    await harness.tripEveryProvider({ primary: 503, secondary: 503 });

    const submittedAt = Date.now();
    const { body } = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'wait for a provider' });
    // It reads deferred from the moment it is submitted (its providers are open); wait for the worker's
    // own deferral, which sets the job's timer.
    const deferredByWorker = async () => (await harness.request<View>('GET', `/v1/jobs/${body.id}`)).body;
    await expect
      .poll(async () => (await deferredByWorker()).deferrals, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(1);
    const view = await deferredByWorker();
    expect(view).toMatchObject({ state: 'deferred', attempts: 0 });
    expect(view.deferrals).toBeGreaterThanOrEqual(1);
    expect(view.reason).toMatch(/^primary open until .*secondary open until/);
    // The job's own timer is the safety net (deferralSafetyMs, 60 s, after the probe time); the fleet
    // wakes it as soon as a provider recovers.
    const nextAttemptAt = Date.parse(view.nextAttemptAt as string);
    // From the submission, not from now: reading the job back may take seconds on a loaded machine.
    expect(nextAttemptAt).toBeGreaterThan(submittedAt + 55_000);
    expect(nextAttemptAt).toBeLessThan(Date.now() + 61_000);

    const providers = await harness.request<{ providers: Record<string, unknown>[] }>('GET', '/v1/providers');
    expect(providers.status).toBe(200);
    const byName = new Map(providers.body.providers.map((provider) => [provider.name, provider]));
    expect(byName.get('tertiary')).toMatchObject({ state: 'closed', type: 'simulated' });
    for (const name of ['primary', 'secondary']) {
      const provider = byName.get(name);
      // A probe may be under way by now; while it is not, the breaker reports when it admits one.
      expect(['open', 'half-open']).toContain(provider?.state);
      if (provider?.state === 'open') expect(Date.parse(provider.nextProbeAt as string)).toBeGreaterThan(0);
    }

    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    await expect.poll(() => stateOf(harness, body.id), { timeout: 25_000 }).toBe('completed');
    // Woken by the recovery (about a second on an idle machine), long before its own timer.
    expect(Date.now()).toBeLessThan(nextAttemptAt - 30_000);
    const done = (await harness.request<View>('GET', `/v1/jobs/${body.id}`)).body;
    // One attempt: the run that completed. The deferrals before it spent none.
    expect(done).toMatchObject({ attempts: 1, result: { provider: 'primary' } });
    expect(done).not.toHaveProperty('nextAttemptAt');
  });

  it('a job waiting for a retry backoff reads delayed, with the error and when it runs again', async () => {
    harness = await new ApiHarness({
      worker: true,
      config: (base) => ({ ...base, queue: { ...(base.queue as object), backoffMs: 30_000 } }),
    }).start();
    harness.simulator.configure('tertiary', { errorRate: 1, errorStatus: 500 });
    const { body } = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'x', route: 'solo' });
    await expect.poll(() => stateOf(harness, body.id), { timeout: 10_000 }).toBe('delayed');
    const view = (await harness.request<View>('GET', `/v1/jobs/${body.id}`)).body;
    expect(view.attempts).toBe(1);
    expect(view.error).toMatch(/every call failed/);
    expect(Date.parse(view.nextAttemptAt as string)).toBeGreaterThan(Date.now());
  });

  it('an earlier deferral does not make a later delay read as deferred', async () => {
    harness = await new ApiHarness().start();
    const { body } = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'x', delayMs: 60_000 });
    // As a job deferred once, then run, then delayed for another reason would look.
    const job = await harness.job(body.id);
    await job.updateProgress({ deferrals: 1, deferredUntil: Date.now() - 5_000, reason: 'primary open' });
    const view = (await harness.request<View>('GET', `/v1/jobs/${body.id}`)).body;
    expect(view).toMatchObject({ state: 'delayed', deferrals: 1 });
    expect(view).not.toHaveProperty('reason');
  });
});
