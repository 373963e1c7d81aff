import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { BudgetView } from '../contract/provider-limits.js';
import { providerView } from '../resilience/provider-view.js';
import type { StatsSources } from '../stats/stats-report.js';
import { FleetLatencyHistogram } from './fleet-histogram.js';

const breakerStateValue = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * The Prometheus registry served at /metrics. Fleet-wide figures (breakers, calls, tokens, cost,
 * deferrals, jobs) are read from Redis once per scrape, so any API process shows the whole fleet;
 * the process metrics are this process's own.
 */
export function createMetricsRegistry(snapshot: () => Promise<StatsSources>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Every collector of one scrape shares one read.
  let pending: Promise<StatsSources> | undefined;
  const read = () => {
    pending ??= snapshot().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  new Gauge({
    name: 'breakwater_breaker_state',
    help: 'Fleet breaker state per provider: 0 closed, 1 half-open, 2 open.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const sources = await read();
      this.reset();
      for (const name of Object.keys(sources.config.providers)) {
        const status = providerView(name, sources.config, sources.records.get(name), sources.now);
        this.set({ provider: name }, breakerStateValue[status.state]);
      }
    },
  });
  new Gauge({
    name: 'breakwater_jobs',
    help: 'Jobs by state; delayed includes jobs a worker deferred, deferred counts jobs waiting in a queue paused because every provider is open.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const { jobs } = await read();
      this.reset();
      for (const [state, count] of Object.entries(jobs)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'breakwater_deferred_jobs',
    help: 'Jobs deferred right now with the provider in their chain.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const { deferredNow } = await read();
      this.reset();
      for (const [provider, count] of deferredNow) this.set({ provider }, count);
    },
  });
  new Gauge({
    name: 'breakwater_limit_remaining',
    help: 'What is left of a rate limit now, per minute scale, by provider, model ("" for the whole provider) and unit.',
    labelNames: ['provider', 'model', 'unit'],
    registers: [registry],
    async collect() {
      const { limits } = await read();
      this.reset();
      for (const [provider, view] of limits?.providers ?? []) {
        for (const bucket of view.buckets) {
          if (bucket.remaining === undefined) continue;
          this.set({ provider, model: bucket.model ?? '', unit: bucket.unit }, bucket.remaining);
        }
      }
    },
  });
  new Gauge({
    name: 'breakwater_limit_per_minute',
    help: 'The rate limit in force (the lower of configured and reported by the provider), by provider, model and unit.',
    labelNames: ['provider', 'model', 'unit', 'source'],
    registers: [registry],
    async collect() {
      const { limits } = await read();
      this.reset();
      for (const [provider, view] of limits?.providers ?? []) {
        for (const bucket of view.buckets) {
          const labels = { provider, model: bucket.model ?? '', unit: bucket.unit };
          if (bucket.configured !== undefined)
            this.set({ ...labels, source: 'configured' }, bucket.configured);
          if (bucket.learned !== undefined) this.set({ ...labels, source: 'learned' }, bucket.learned);
        }
      }
    },
  });
  new Gauge({
    name: 'breakwater_provider_capacity',
    help: 'Provider capacity: 0 available, 1 rate-limited, 2 quota-exhausted.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const { limits } = await read();
      this.reset();
      const value = { available: 0, 'rate-limited': 1, 'quota-exhausted': 2 } as const;
      for (const [provider, view] of limits?.providers ?? []) this.set({ provider }, value[view.capacity]);
    },
  });
  new Gauge({
    name: 'breakwater_calls_in_flight',
    help: 'Calls in flight fleet-wide, for providers with a concurrency limit.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const { limits } = await read();
      this.reset();
      for (const [provider, view] of limits?.providers ?? []) {
        if (view.inFlight !== undefined) this.set({ provider }, view.inFlight);
      }
    },
  });
  const perBudget = (name: string, help: string, value: (budget: BudgetView) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['budget', 'per'],
      registers: [registry],
      async collect() {
        const { limits } = await read();
        this.reset();
        for (const budget of limits?.budgets ?? [])
          this.set({ budget: budget.name, per: budget.per }, value(budget));
      },
    });
  perBudget(
    'breakwater_budget_spent_usd',
    "USD spent and reserved in a budget's current window.",
    (b) => b.spentUsd,
  );
  perBudget('breakwater_budget_usd', 'The USD a budget allows per window.', (b) => b.usd);
  const perModel = (
    name: string,
    help: string,
    values: (model: StatsSources['stats']['models'][number]) => [Record<string, string>, number][],
    extraLabels: string[] = [],
  ) =>
    new Counter({
      name,
      help,
      labelNames: ['provider', 'model', ...extraLabels],
      registers: [registry],
      async collect() {
        const { stats } = await read();
        this.reset();
        for (const model of stats.models) {
          for (const [labels, value] of values(model)) {
            if (value > 0) this.inc({ provider: model.provider, model: model.model, ...labels }, value);
          }
        }
      },
    });
  perModel(
    'breakwater_provider_calls_total',
    'Provider calls by provider, model and outcome (ok, or the error class).',
    (model) => Object.entries(model.calls).map(([outcome, count]) => [{ outcome }, count]),
    ['outcome'],
  );
  perModel(
    'breakwater_provider_skips_total',
    'Chain entries skipped because the breaker was open (no call made).',
    (model) => [[{}, model.skips]],
  );
  perModel(
    'breakwater_fallbacks_total',
    'Jobs served by a fallback, by the model that served them.',
    (model) => [[{}, model.fallbacks]],
  );
  perModel(
    'breakwater_tokens_total',
    'Tokens of successful calls, by direction.',
    (model) => [
      [{ direction: 'input' }, model.inputTokens],
      [{ direction: 'output' }, model.outputTokens],
    ],
    ['direction'],
  );
  perModel('breakwater_cost_usd_total', 'USD spent, from the price table (priced models only).', (model) => [
    [{}, model.costUsd],
  ]);
  perModel(
    'breakwater_unpriced_calls_total',
    'Successful calls to models with no price: their cost is unknown.',
    (model) => [[{}, model.unpricedCalls]],
  );
  new Counter({
    name: 'breakwater_deferrals_total',
    help: 'Jobs deferred because every provider of their chain was open, by provider in the chain.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const { stats } = await read();
      this.reset();
      for (const [provider, count] of stats.deferrals) this.inc({ provider }, count);
    },
  });
  new Counter({
    name: 'breakwater_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered (2xx), retry, gone (410), give-up.',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      const { stats } = await read();
      this.reset();
      for (const [outcome, count] of Object.entries(stats.webhooks)) this.inc({ outcome }, count);
    },
  });
  new Counter({
    name: 'breakwater_cache_lookups_total',
    help: 'Jobs that looked in the result cache, by result: hit, stale (served while every provider was open), miss.',
    labelNames: ['result'],
    registers: [registry],
    async collect() {
      const { cache } = (await read()).stats;
      this.reset();
      this.inc({ result: 'hit' }, cache.hits);
      this.inc({ result: 'stale' }, cache.staleHits);
      this.inc({ result: 'miss' }, cache.misses);
    },
  });
  new Counter({
    name: 'breakwater_cache_saved_usd_total',
    help: 'USD the answers served from the result cache cost when first computed.',
    registers: [registry],
    async collect() {
      const { cache } = (await read()).stats;
      this.reset();
      this.inc(cache.savedUsd);
    },
  });
  registry.registerMetric(new FleetLatencyHistogram(async () => (await read()).stats.models));
  return registry;
}
