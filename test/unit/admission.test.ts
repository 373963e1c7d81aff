import { describe, expect, it } from 'vitest';
import { admissionPlan, configuredFor } from '../../src/admission/admission-plan.js';
import { calendarWindow } from '../../src/admission/budget-window.js';
import { estimateCall } from '../../src/admission/estimate.js';
import { bucketView, capacityOf } from '../../src/admission/limits-view.js';
import { describeRefusal } from '../../src/admission/refusal.js';
import { ConfigError } from '../../src/config/config-error.js';
import { validateConfig } from '../../src/config/load-config.js';

const at = Date.parse('2026-11-29T12:00:00Z');

function config(extra: Record<string, unknown> = {}) {
  return validateConfig(
    {
      providers: {
        openai: {
          type: 'simulated',
          limits: { rpm: 500, tpm: 200_000, concurrency: 100, models: { 'gpt-4.1': { rpm: 100 } } },
        },
        anthropic: { type: 'simulated', wire: 'anthropic' },
      },
      routes: {
        default: [{ provider: 'openai', model: 'gpt-4.1' }],
        evals: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }],
      },
      budgets: [
        { name: 'daily-openai', usd: 20, per: 'day', provider: 'openai' },
        { name: 'evals', usd: 5, per: 'hour', route: 'evals' },
        { name: 'acme', usd: 50, per: 'month', tenant: 'acme' },
      ],
      tenants: { acme: { rpm: 100, concurrency: 20 } },
      ...extra,
    },
    'test',
    {},
  ).config;
}

/** A call of the `evals` route to Anthropic, which has nothing configured. */
const evalsCall = {
  provider: 'anthropic',
  model: 'claude-haiku-4-5',
  timeoutMs: 1,
  estimate: { inputTokens: 1, outputTokens: 1 },
  estimatedCostUsd: 0,
  route: 'evals',
  tenant: undefined,
};

describe('admission plan', () => {
  it('a call reserves the provider, the model, the tenant and every matching budget', () => {
    const plan = admissionPlan(
      config(),
      {
        provider: 'openai',
        model: 'gpt-4.1',
        timeoutMs: 60_000,
        estimate: { inputTokens: 10, outputTokens: 1_000 },
        estimatedCostUsd: 0.01,
        route: 'default',
        tenant: 'acme',
      },
      at,
      calendarWindow,
    );
    expect(plan.rates.map((rate) => [rate.scope, rate.unit, rate.limit, rate.cost])).toEqual([
      ['provider:openai', 'requests', 500, 1],
      ['provider:openai', 'tokens', 200_000, 1_010],
      ['model:openai/gpt-4.1', 'requests', 100, 1],
      ['model:openai/gpt-4.1', 'tokens', undefined, 1_010],
      ['tenant:acme', 'requests', 100, 1],
    ]);
    expect(plan.leases.map((lease) => [lease.scope, lease.limit])).toEqual([
      ['provider:openai', 100],
      ['tenant:acme', 20],
    ]);
    expect(plan.budgets.map((budget) => budget.name)).toEqual(['daily-openai', 'acme']);
    expect(plan.budgets[0]?.window).toEqual({
      start: Date.parse('2026-11-29T00:00:00Z'),
      end: Date.parse('2026-11-30T00:00:00Z'),
    });
  });

  it('a provider with nothing configured still reads what the provider reported', () => {
    const plan = admissionPlan(
      config(),
      {
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        timeoutMs: 1,
        estimate: { inputTokens: 1, outputTokens: 1 },
        estimatedCostUsd: 0,
        route: 'evals',
        tenant: undefined,
      },
      at,
      calendarWindow,
    );
    expect(plan.rates.map((rate) => [rate.scope, rate.unit, rate.limit])).toEqual([
      ['provider:anthropic', 'requests', undefined],
      ['model:anthropic/claude-haiku-4-5', 'requests', undefined],
      ['model:anthropic/claude-haiku-4-5', 'tokens', undefined],
    ]);
    expect(plan.leases).toEqual([]);
    expect(plan.budgets.map((budget) => budget.name)).toEqual(['evals']);
  });

  it('tells a call with nothing configured apart without a plan, as the plan would', () => {
    const limited = config();
    const bare = validateConfig(
      {
        providers: { openai: { type: 'simulated' } },
        routes: { default: [{ provider: 'openai', model: 'gpt-4.1' }] },
      },
      'test',
      {},
    ).config;
    const places = [
      { provider: 'openai', model: 'gpt-4.1', route: 'default', tenant: 'acme' },
      { provider: 'openai', model: 'gpt-4.1-mini', route: 'default', tenant: undefined },
      { provider: 'anthropic', model: 'claude-haiku-4-5', route: 'evals', tenant: undefined },
      { provider: 'anthropic', model: 'claude-haiku-4-5', route: undefined, tenant: undefined },
      { provider: 'anthropic', model: 'claude-haiku-4-5', route: undefined, tenant: 'acme' },
      { provider: 'anthropic', model: 'claude-haiku-4-5', route: undefined, tenant: 'other' },
      { provider: 'constructor', model: 'toString', route: 'constructor', tenant: 'constructor' },
    ];
    const verdicts = [limited, bare].flatMap((cfg) =>
      places.map((place) => {
        const plan = admissionPlan(cfg, { ...evalsCall, ...place }, at, calendarWindow);
        const planned =
          plan.leases.length > 0 ||
          plan.budgets.length > 0 ||
          plan.rates.some((rate) => rate.limit !== undefined);
        expect(configuredFor(cfg, place)).toBe(planned);
        return planned;
      }),
    );
    // Both answers occur: the comparison above is not vacuous.
    expect(verdicts).toEqual([true, true, true, false, true, false, false, ...places.map(() => false)]);
  });

  it('estimates input characters / 4 plus maxTokens, or the assumed output', () => {
    expect(estimateCall({ prompt: 'x'.repeat(401), maxTokens: 50 }, 1_000)).toEqual({
      inputTokens: 101,
      outputTokens: 50,
    });
    expect(estimateCall({ messages: [{ role: 'user', content: 'abcd' }], system: 'abcd' }, 700)).toEqual({
      inputTokens: 2,
      outputTokens: 700,
    });
  });

  it('budget windows are UTC hours, days and months', () => {
    const now = Date.parse('2026-02-14T13:45:10Z');
    expect(calendarWindow('hour', now)).toEqual({
      start: Date.parse('2026-02-14T13:00:00Z'),
      end: Date.parse('2026-02-14T14:00:00Z'),
    });
    expect(calendarWindow('month', now)).toEqual({
      start: Date.parse('2026-02-01T00:00:00Z'),
      end: Date.parse('2026-03-01T00:00:00Z'),
    });
  });
});

describe('refusals in words', () => {
  const plan = admissionPlan(config(), evalsCall, at, calendarWindow);

  it('a rate limit names the scope, what is left and until when', () => {
    const refusal = describeRefusal(
      { kind: 'rate', index: 0, until: at + 31_000, limit: 500, left: 0, spacing: 120 },
      plan,
      at,
    );
    expect(refusal.reason).toBe('anthropic rate limit: 0 of 500 requests left until 12:00:31Z');
    expect(refusal).toMatchObject({ errorClass: 'rate-limit', until: at + 31_000, spacing: 120 });
  });

  it('a budget names its spend, its window and its reset', () => {
    const refusal = describeRefusal({ kind: 'budget', index: 0, spent: 5.0001 }, plan, at);
    expect(refusal.reason).toBe('evals budget: $5.00 of $5.00 spent this hour, resets 13:00Z');
    expect(refusal.until).toBe(Date.parse('2026-11-29T13:00:00Z'));
  });

  it('a quota block is a quota, a 429 block a rate limit', () => {
    expect(
      describeRefusal({ kind: 'blocked', index: 0, until: at + 1, why: 'spent', block: 'quota' }, plan, at)
        .errorClass,
    ).toBe('quota');
    expect(
      describeRefusal({ kind: 'blocked', index: 0, until: at + 1, why: '429', block: 'rate' }, plan, at)
        .errorClass,
    ).toBe('rate-limit');
  });
});

describe('a bucket as people read it', () => {
  it('refills continuously from its last level, on the per-minute scale', () => {
    // 600 rpm at headroom 1: 10 per second, half a second (5) held; empty 250 ms ago → half full.
    const view = bucketView({ lvl: '0', ts: String(at - 250) }, 'requests', 600, 1, at);
    expect(view).toMatchObject({ unit: 'requests', configured: 600, remaining: 300 });
    expect(view?.resetAt).toBe(new Date(at + 250).toISOString());
  });

  it('the lower of configured and reported applies; a block shows until it ends', () => {
    const view = bucketView(
      { lim: '300', blk: String(at + 5_000), why: 'openai quota exhausted', bkk: 'quota' },
      'requests',
      600,
      1,
      at,
      'gpt-4.1',
    );
    expect(view).toMatchObject({
      model: 'gpt-4.1',
      configured: 600,
      learned: 300,
      remaining: 300,
      blockReason: 'openai quota exhausted',
    });
    expect(capacityOf([{ ...view!, blockKind: 'quota' }])).toBe('quota-exhausted');
    expect(capacityOf([{ unit: 'requests', remaining: 0 }])).toBe('rate-limited');
    expect(capacityOf([{ unit: 'requests', remaining: 3 }])).toBe('available');
    expect(bucketView({}, 'tokens', undefined, 1, at)).toBeUndefined();
  });
});

describe('bad limits config', () => {
  const problems = (extra: Record<string, unknown>) => {
    try {
      config(extra);
    } catch (error) {
      if (ConfigError.is(error)) return error.problems;
      throw error;
    }
    return [];
  };

  it('names the key and the fix', () => {
    expect(
      problems({
        providers: { openai: { type: 'simulated', limits: { rpm: -1, tpm: 'many' } } },
        budgets: [],
        tenants: {},
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'providers.openai.limits.rpm',
          message: expect.stringMatching(/must be > 0/),
        }),
        expect.objectContaining({
          path: 'providers.openai.limits.tpm',
          message: expect.stringMatching(/must be a number/),
        }),
      ]),
    );
    expect(problems({ budgets: [{ name: 'x', usd: 1, per: 'week' }] })).toEqual([
      expect.objectContaining({ path: 'budgets.0.per', message: 'must be hour, day or month' }),
    ]);
    expect(
      problems({ budgets: [{ name: 'x', usd: 1, per: 'day', provider: 'nope', route: 'gone' }] }),
    ).toEqual([
      expect.objectContaining({
        path: 'budgets.0.provider',
        message: expect.stringMatching(/unknown provider "nope"/),
      }),
      expect.objectContaining({
        path: 'budgets.0.route',
        message: expect.stringMatching(/unknown route "gone"/),
      }),
    ]);
  });
});

describe('the entry that would serve a route now', () => {
  const chain = [
    { provider: 'a', model: 'm1' },
    { provider: 'b', model: 'm2' },
    { provider: 'c', model: 'm3' },
  ];
  it('skips an open breaker, a spent quota and a model held by a 429; takes a half-open one', async () => {
    const { servingEntry } = await import('../../src/resilience/serving-entry.js');
    const limits = {
      b: { capacity: 'quota-exhausted', buckets: [] },
      c: { capacity: 'rate-limited', buckets: [{ model: 'm3', blockedUntil: '2026-11-29T12:00:01Z' }] },
    } as const;
    const state =
      (open: string[], halfOpen: string[] = []) =>
      (provider: string) =>
        open.includes(provider)
          ? ('open' as const)
          : halfOpen.includes(provider)
            ? ('half-open' as const)
            : ('closed' as const);
    const limitsOf = (provider: string) =>
      provider in limits ? limits[provider as keyof typeof limits] : undefined;
    expect(servingEntry(chain, { state: state([]), limits: limitsOf })).toMatchObject({ index: 0 });
    expect(servingEntry(chain, { state: state(['a']), limits: limitsOf })).toBeUndefined();
    expect(servingEntry(chain, { state: state(['a'], ['b']), limits: () => undefined })).toMatchObject({
      index: 1,
    });
  });
});
