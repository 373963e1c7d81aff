import { afterEach, describe, expect, it } from 'vitest';
import type { ProvidersResponse, StatsReport } from '../../src/contract/index.js';
import { providersResponseSchema } from '../../src/http/schemas.js';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

describe('limits where people read them', () => {
  it('GET /v1/providers, /v1/stats and /metrics show limits learned and configured, a spent quota and the budgets', async () => {
    harness = await new ApiHarness({
      worker: true,
      config: (base) => {
        const providers = base.providers as Record<string, Record<string, unknown>>;
        return {
          ...base,
          providers: {
            ...providers,
            secondary: { ...providers.secondary, limits: { rpm: 600, concurrency: 4 } },
          },
          budgets: [{ name: 'evals', usd: 5, per: 'hour', route: 'solo' }],
        };
      },
    }).start();
    // The primary reports 3,000 rpm in its headers and has no configured limit.
    harness.simulator.configure('primary', { limits: { rpm: 3_000 } });
    harness.simulator.configure('tertiary', { mode: { kind: 'quota-exhausted' } });
    const jobs = await Promise.all([
      harness.add({ prompt: 'a' }),
      harness.add({ prompt: 'b' }),
      harness.add({ route: 'solo', prompt: 'c', deadline: new Date(Date.now() + 1_500).toISOString() }),
    ]);
    await expect
      .poll(async () => (await harness.states(jobs.map((job) => job.id!))).sort(), { timeout: 10_000 })
      .toEqual(['completed', 'completed', 'failed']);

    const { status, body } = await harness.request<ProvidersResponse>('GET', '/v1/providers');
    expect(status).toBe(200);
    expect(providersResponseSchema.safeParse(body).success).toBe(true);
    const byName = Object.fromEntries(body.providers.map((provider) => [provider.name, provider]));
    expect(byName.primary?.limits?.capacity).toBe('available');
    expect(byName.primary?.limits?.buckets).toContainEqual(
      expect.objectContaining({ model: 'gpt-4.1-mini', unit: 'requests', learned: 3_000 }),
    );
    expect(byName.secondary?.limits).toMatchObject({ capacity: 'available', concurrency: 4, inFlight: 0 });
    expect(byName.secondary?.limits?.buckets).toContainEqual(
      expect.objectContaining({ unit: 'requests', configured: 600 }),
    );
    // The spent quota: the provider itself is up (its breaker closed), but takes no call.
    expect(byName.tertiary).toMatchObject({ state: 'closed', limits: { capacity: 'quota-exhausted' } });
    // Which entry would serve each route now: the spent quota leaves `solo` with none.
    expect(body.routes).toEqual(
      expect.arrayContaining([
        { name: 'default', servedBy: { provider: 'primary', model: 'gpt-4.1-mini', index: 0 } },
        { name: 'solo' },
      ]),
    );
    expect(body.budgets).toEqual([
      expect.objectContaining({
        name: 'evals',
        usd: 5,
        per: 'hour',
        route: 'solo',
        spentUsd: expect.any(Number),
      }),
    ]);

    const stats = await harness.request<StatsReport>('GET', '/v1/stats');
    expect(stats.body.jobs.waitingOnLimit).toBe(0);

    const metrics = await (await fetch(`${harness.api.url}/metrics`)).text();
    expect(metrics).toMatch(/breakwater_provider_capacity\{provider="tertiary"\} 2/);
    expect(metrics).toMatch(
      /breakwater_limit_per_minute\{provider="primary",model="gpt-4\.1-mini",unit="requests",source="learned"\} 3000/,
    );
    expect(metrics).toMatch(/breakwater_budget_usd\{budget="evals",per="hour"\} 5/);
  });
});
