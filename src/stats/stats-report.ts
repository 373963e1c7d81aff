import type { LimitsSnapshot } from '../admission/limits-store.js';
import type { BreakwaterConfig } from '../config/schema.js';
import type { ProviderStats, StatsReport } from '../contract/index.js';
import type { FleetRecord } from '../fleet/fleet-record.js';
import { builtInPricesTakenOn } from '../pricing/price-table.js';
import { providerView } from '../resilience/provider-view.js';
import type { FleetStats, ModelStats } from './stats-store.js';

export interface StatsSources {
  config: BreakwaterConfig;
  stats: FleetStats;
  records: Map<string, FleetRecord>;
  deferredNow: Map<string, number>;
  jobs: Record<string, number>;
  /** Admission's state, where the reader has it. */
  limits?: LimitsSnapshot;
  now: number;
}

const callsOf = (model: ModelStats) => Object.values(model.calls).reduce((sum, n) => sum + n, 0);

/** `GET /v1/stats`: the fleet's totals by provider and model, with each breaker's state. */
export function statsReport(sources: StatsSources): StatsReport {
  const { config, stats } = sources;
  const names = [...new Set([...Object.keys(config.providers), ...stats.models.map((m) => m.provider)])];
  const providers = names.map((name): ProviderStats => {
    const models = stats.models.filter((model) => model.provider === name);
    const status = providerView(name, config, sources.records.get(name), sources.now);
    const recent = stats.recent.get(name) ?? { calls: 0, failures: 0 };
    return {
      name,
      state: status.state,
      ...(status.updatedAt ? { since: status.updatedAt } : {}),
      ...(status.nextProbeAt ? { nextProbeAt: status.nextProbeAt } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
      calls: sum(models, callsOf),
      failures: sum(models, (model) => model.failures),
      skips: sum(models, (model) => model.skips),
      deferrals: stats.deferrals.get(name) ?? 0,
      deferredNow: sources.deferredNow.get(name) ?? 0,
      recent: {
        windowMs: stats.recentWindowMs,
        ...recent,
        failureRate: recent.calls === 0 ? null : recent.failures / recent.calls,
      },
      ...spent(models),
    };
  });
  return {
    providers,
    models: stats.models.map((model) => ({
      provider: model.provider,
      model: model.model,
      calls: model.calls,
      skips: model.skips,
      fallbacks: model.fallbacks,
      latencySecondsSum: model.latencySumSeconds,
      ...spent([model]),
    })),
    totals: { calls: sum(stats.models, callsOf), ...spent(stats.models) },
    jobs: sources.jobs,
    pricesTakenOn: builtInPricesTakenOn,
    webhooks: { ...stats.webhooks },
    cache: { ...stats.cache, savedUsd: Math.round(stats.cache.savedUsd * 1e9) / 1e9 },
  };
}

function sum(models: readonly ModelStats[], pick: (model: ModelStats) => number): number {
  return models.reduce((total, model) => total + pick(model), 0);
}

function spent(models: readonly ModelStats[]) {
  return {
    inputTokens: sum(models, (model) => model.inputTokens),
    outputTokens: sum(models, (model) => model.outputTokens),
    costUsd: Math.round(sum(models, (model) => model.costUsd) * 1e9) / 1e9,
    unpricedCalls: sum(models, (model) => model.unpricedCalls),
  };
}
