import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../src/queue/timeline.js';
import { ApiHarness } from '../support/api-harness.js';
import { metric, parseMetrics, type Sample } from '../support/prometheus.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

let exposition = '';
async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${harness.api.url}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  exposition = await response.text();
  return parseMetrics(exposition);
}

async function submit(count: number): Promise<string[]> {
  const response = await harness.request<{ jobs: { id: string }[] }>('POST', '/v1/jobs/bulk', {
    jobs: Array.from({ length: count }, (_, i) => ({ prompt: `Summarise ticket ${i}` })),
  });
  expect(response.status).toBe(202);
  return response.body.jobs.map((job) => job.id);
}

async function settled(ids: string[], state: string) {
  await expect
    .poll(async () => (await harness.states(ids)).every((s) => s === state), { timeout: 10_000 })
    .toBe(true);
}

describe('GET /metrics across a simulated outage', () => {
  it('counts calls, tokens, cost, fallbacks and deferrals fleet-wide, and shows breakers and jobs', async () => {
    // A long reset keeps the breakers open while the test reads them.
    harness = await new ApiHarness({
      worker: true,
      config: (base) => {
        const providers = base.providers as Record<string, Record<string, unknown>>;
        for (const provider of Object.values(providers)) {
          provider.breaker = { ...(provider.breaker as object), resetTimeoutMs: 60_000 };
        }
        return base;
      },
    }).start();
    const ok = { provider: 'primary', model: 'gpt-4.1-mini', outcome: 'ok' };

    // Before: every call on the primary succeeds.
    await settled(await submit(4), 'completed');
    await expect.poll(async () => metric(await scrape(), 'breakwater_provider_calls_total', ok)).toBe(4);
    let samples = await scrape();
    expect(metric(samples, 'breakwater_breaker_state', { provider: 'primary' })).toBe(0);
    expect(
      metric(samples, 'breakwater_tokens_total', { provider: 'primary', direction: 'input' }),
    ).toBeGreaterThan(0);
    expect(metric(samples, 'breakwater_cost_usd_total', { provider: 'primary' })).toBeGreaterThan(0);
    // Declared even while nothing has been counted, so a dashboard sees 0, not a missing series.
    for (const name of [
      'breakwater_fallbacks_total',
      'breakwater_deferrals_total',
      'breakwater_provider_skips_total',
    ]) {
      expect(exposition).toContain(`# TYPE ${name} counter`);
      expect(metric(samples, name)).toBe(0);
    }
    expect(metric(samples, 'breakwater_jobs', { state: 'completed' })).toBe(4);
    expect(metric(samples, 'breakwater_provider_call_duration_seconds_count', { provider: 'primary' })).toBe(
      4,
    );
    expect(metric(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    const costBefore = metric(samples, 'breakwater_cost_usd_total');

    // The primary goes down: its breaker opens and the secondary serves as fallback.
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    // Four earlier successes sit in the rolling window: the failures must outnumber them first.
    const fallbackIds = await submit(10);
    await settled(fallbackIds, 'completed');
    await expect
      .poll(async () => metric(await scrape(), 'breakwater_breaker_state', { provider: 'primary' }))
      .toBe(2);
    // With the breaker open, jobs skip the primary without calling it.
    const skippedIds = await submit(2);
    await settled(skippedIds, 'completed');
    await expect
      .poll(async () => metric(await scrape(), 'breakwater_fallbacks_total', { provider: 'secondary' }))
      .toBe(12);
    samples = await scrape();
    expect(
      metric(samples, 'breakwater_provider_calls_total', { provider: 'primary', outcome: 'overloaded' }),
    ).toBeGreaterThanOrEqual(2);
    expect(metric(samples, 'breakwater_provider_skips_total', { provider: 'primary' })).toBeGreaterThan(0);
    expect(metric(samples, 'breakwater_cost_usd_total')).toBeGreaterThan(costBefore);

    // A fallback job's timeline: the primary's skip, then the secondary's answer and cost.
    const view = await harness.request<{ timeline: TimelineEntry[]; costUsd: number; usage: object }>(
      'GET',
      `/v1/jobs/${skippedIds[0]}`,
    );
    expect(view.body.timeline).toMatchObject([
      { event: 'attempt', provider: 'primary', outcome: 'skipped-open', errorClass: 'breaker-open' },
      { event: 'attempt', provider: 'secondary', outcome: 'ok', costUsd: expect.any(Number) },
    ]);
    expect(view.body.costUsd).toBeGreaterThan(0);
    expect(view.body.usage).toMatchObject({
      inputTokens: expect.any(Number),
      outputTokens: expect.any(Number),
    });

    // The secondary is taken out by hand as well (its window is full of successes): both providers
    // of the route are open, so jobs are deferred, and counted as such.
    const opened = await harness.request('POST', '/v1/providers/secondary/open', {
      reason: 'maintenance',
      durationMs: 60_000,
    });
    expect(opened.status).toBe(200);
    await expect
      .poll(async () => metric(await scrape(), 'breakwater_breaker_state', { provider: 'secondary' }))
      .toBe(2);
    const deferredIds = await submit(3);
    await settled(deferredIds, 'delayed');
    await expect
      .poll(async () => metric(await scrape(), 'breakwater_deferred_jobs', { provider: 'primary' }))
      .toBeGreaterThanOrEqual(3);
    await expect
      .poll(async () => metric(await scrape(), 'breakwater_deferrals_total', { provider: 'secondary' }))
      .toBeGreaterThanOrEqual(3);
    samples = await scrape();
    expect(metric(samples, 'breakwater_jobs', { state: 'delayed' })).toBeGreaterThanOrEqual(3);

    // The deferred jobs leave the count once they run again.
    for (const provider of ['primary', 'secondary']) {
      harness.simulator.configure(provider, { mode: { kind: 'healthy' } });
      await harness.request('POST', `/v1/providers/${provider}/close`, { reason: 'healed' });
    }
    await settled(deferredIds, 'completed');
    await expect
      .poll(async () => metric(await scrape(), 'breakwater_deferred_jobs', { provider: 'primary' }))
      .toBe(0);
    samples = await scrape();

    // /v1/stats reads the same totals.
    const stats = await harness.request<{ totals: { costUsd: number; calls: number } }>('GET', '/v1/stats');
    expect(stats.body.totals.costUsd).toBeCloseTo(metric(samples, 'breakwater_cost_usd_total'), 9);
    expect(stats.body.totals.calls).toBe(metric(samples, 'breakwater_provider_calls_total'));
  });
});
