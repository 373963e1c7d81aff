import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

type Provider = Record<string, unknown> & { name: string; state: string };

describe('opening and closing a provider by hand, fleet-wide', () => {
  it('open for a duration: every worker skips it, /v1/providers says who and why; close: back at once', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const before = Date.now();
    const opened = await harness.request<Provider>('POST', '/v1/providers/primary/open', {
      reason: 'provider maintenance window',
      by: 'ops@example.com',
      durationMs: 60_000,
    });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({
      name: 'primary',
      state: 'open',
      reason: 'opened by ops@example.com: provider maintenance window',
      manual: { by: 'ops@example.com', reason: 'provider maintenance window' },
    });
    expect(Date.parse(opened.body.nextProbeAt as string)).toBeGreaterThanOrEqual(before + 60_000);
    await expect.poll(() => harness.circuits.get('primary').availability().kind).toBe('open');

    const during = await harness.add({ prompt: 'during maintenance' });
    await expect
      .poll(async () => (await harness.job(during.id!)).returnvalue?.provider, { timeout: 10_000 })
      .toBe('secondary');
    expect(harness.simulator.stats('primary').calls).toBe(0);

    const closed = await harness.request<Provider>('POST', '/v1/providers/primary/close', {
      reason: 'maintenance over',
      by: 'ops@example.com',
    });
    expect(closed.body).toMatchObject({
      state: 'closed',
      manual: { by: 'ops@example.com', reason: 'maintenance over' },
    });
    await expect.poll(() => harness.circuits.get('primary').availability().kind).toBe('closed');
    const after = await harness.add({ prompt: 'after maintenance' });
    await expect
      .poll(async () => (await harness.job(after.id!)).returnvalue?.provider, { timeout: 10_000 })
      .toBe('primary');
    const logged = harness.logLines.filter((line) => line.provider === 'primary' && line.source === 'fleet');
    expect(logged.map((line) => line.state)).toEqual(['open', 'closed']);
  });

  it('open without a duration stays open with no probe time; bad requests name the field', async () => {
    harness = await new ApiHarness().start();
    const opened = await harness.request<Provider>('POST', '/v1/providers/secondary/open', {
      reason: 'key revoked',
    });
    expect(opened.body).toMatchObject({ state: 'open', manual: { by: 'api', reason: 'key revoked' } });
    expect(opened.body).not.toHaveProperty('nextProbeAt');
    const listed = await harness.request<{ providers: Provider[] }>('GET', '/v1/providers');
    expect(listed.body.providers.find((provider) => provider.name === 'secondary')?.state).toBe('open');

    const noReason = await harness.request<{ error: { fields: { path: string }[] } }>(
      'POST',
      '/v1/providers/secondary/open',
      { durationMs: -5 },
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.map((field) => field.path)).toEqual(['reason', 'durationMs']);
    expect((await harness.request('POST', '/v1/providers/ghost/open', { reason: 'x' })).status).toBe(404);
  });
});

describe('every provider of a route opened by hand, with no end', () => {
  it('defers its jobs (timer capped), and a manual close wakes them at once', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    for (const name of ['primary', 'secondary']) {
      const opened = await harness.request('POST', `/v1/providers/${name}/open`, {
        reason: 'quota exhausted',
      });
      expect(opened.status).toBe(200);
    }
    await expect.poll(() => harness.circuits.get('secondary').availability().kind).toBe('open');
    const { body } = await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt: 'wait for quota' });
    const view = async () =>
      (await harness.request<Record<string, unknown>>('GET', `/v1/jobs/${body.id}`)).body;
    await expect.poll(async () => (await view()).state, { timeout: 10_000 }).toBe('deferred');
    const deferred = await view();
    expect(deferred.reason).toMatch(/^primary open until closed by hand \(opened by api: quota exhausted\)/);
    expect(Date.parse(deferred.nextAttemptAt as string)).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);

    const closedAt = Date.now();
    await harness.request('POST', '/v1/providers/secondary/close', { reason: 'quota reset' });
    await expect.poll(async () => (await view()).state, { timeout: 10_000 }).toBe('completed');
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    expect(await view()).toMatchObject({ result: { provider: 'secondary' } });
  });
});
