import type { BreakwaterConfig } from '../config/schema.js';
import type { BudgetView, LimitBucketView, ProviderLimitsView } from '../contract/provider-limits.js';
import type { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';
import { modelScope, providerScope } from './admission-plan.js';
import { calendarWindow, type WindowOf } from './budget-window.js';
import { limitHeadroom } from './fleet-admission.js';
import { bucketView, capacityOf, type StoredBucket } from './limits-view.js';

/** Every provider's limits, the budgets and the jobs waiting for capacity, read at once. */
export interface LimitsSnapshot {
  providers: Map<string, ProviderLimitsView>;
  budgets: BudgetView[];
  /** Jobs waiting for capacity right now, fleet-wide. */
  waitingOnLimit: number;
}

export interface LimitsStoreOptions {
  redis: RedisClient;
  keys: BreakwaterKeys;
  config: BreakwaterConfig;
  windowOf?: WindowOf;
}

/** Reads what admission keeps in Redis, for `/v1/providers`, `/v1/stats`, metrics and the panel. */
export class LimitsStore {
  readonly #options: LimitsStoreOptions;

  constructor(options: LimitsStoreOptions) {
    this.#options = options;
  }

  async read(now: number): Promise<LimitsSnapshot> {
    const { redis, keys, config } = this.#options;
    const windowOf = this.#options.windowOf ?? calendarWindow;
    type Read = {
      provider: string;
      model?: string;
      unit: 'requests' | 'tokens';
      configured?: number;
      key: string;
    };
    const reads: Read[] = [];
    for (const [provider, settings] of Object.entries(config.providers)) {
      const limits = settings.limits;
      reads.push({
        provider,
        unit: 'requests',
        key: keys.limit(providerScope(provider), 'requests'),
        ...opt(limits.rpm),
      });
      if (limits.tpm !== undefined) {
        reads.push({
          provider,
          unit: 'tokens',
          key: keys.limit(providerScope(provider), 'tokens'),
          configured: limits.tpm,
        });
      }
      for (const model of modelsOf(config, provider)) {
        const own = Object.hasOwn(limits.models, model) ? limits.models[model] : undefined;
        for (const unit of ['requests', 'tokens'] as const) {
          reads.push({
            provider,
            model,
            unit,
            key: keys.limit(modelScope(provider, model), unit),
            ...opt(unit === 'requests' ? own?.rpm : own?.tpm),
          });
        }
      }
    }
    const budgets = config.budgets.map((budget) => ({ budget, window: windowOf(budget.per, now) }));
    const pipeline = redis.pipeline();
    for (const read of reads) pipeline.hgetall(read.key);
    for (const [provider, settings] of Object.entries(config.providers)) {
      if (settings.limits.concurrency !== undefined) {
        pipeline.zcount(keys.inflight(providerScope(provider)), now, '+inf');
      }
    }
    for (const { budget, window } of budgets) pipeline.get(keys.budget(budget.name, window.start));
    pipeline.zcount(keys.limitWaiting, now, '+inf');
    const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => (error ? undefined : value));

    const providers = new Map<string, ProviderLimitsView>();
    const buckets = new Map<string, (LimitBucketView & { blockKind?: string })[]>();
    for (const [index, read] of reads.entries()) {
      const stored = (replies[index] ?? {}) as StoredBucket;
      const view = bucketView(stored, read.unit, read.configured, limitHeadroom, now, read.model);
      if (!view) continue;
      const list = buckets.get(read.provider) ?? [];
      list.push({ ...view, ...(stored.bkk ? { blockKind: stored.bkk } : {}) });
      buckets.set(read.provider, list);
    }
    let at = reads.length;
    for (const [provider, settings] of Object.entries(config.providers)) {
      const list = buckets.get(provider) ?? [];
      const concurrency = settings.limits.concurrency;
      const inFlight = concurrency === undefined ? undefined : Number(replies[at++] ?? 0);
      providers.set(provider, {
        capacity: capacityOf(list),
        buckets: list.map(({ blockKind: _kind, ...bucket }) => bucket),
        ...(concurrency === undefined ? {} : { concurrency, inFlight: inFlight ?? 0 }),
      });
    }
    const budgetViews = budgets.map(({ budget, window }) => ({
      name: budget.name,
      usd: budget.usd,
      per: budget.per,
      ...(budget.provider === undefined ? {} : { provider: budget.provider }),
      ...(budget.route === undefined ? {} : { route: budget.route }),
      ...(budget.tenant === undefined ? {} : { tenant: budget.tenant }),
      spentUsd: Math.round(Number(replies[at++] ?? 0) * 1e6) / 1e6,
      windowStart: new Date(window.start).toISOString(),
      resetsAt: new Date(window.end).toISOString(),
    }));
    return { providers, budgets: budgetViews, waitingOnLimit: Number(replies[at] ?? 0) };
  }
}

/** The models a provider serves in some route, or has limits of its own for. */
function modelsOf(config: BreakwaterConfig, provider: string): string[] {
  const models = new Set<string>();
  for (const chain of Object.values(config.routes)) {
    for (const entry of chain) if (entry.provider === provider) models.add(entry.model);
  }
  for (const model of Object.keys(config.providers[provider]?.limits.models ?? {})) models.add(model);
  return [...models];
}

function opt(configured: number | undefined): { configured?: number } {
  return configured === undefined ? {} : { configured };
}
