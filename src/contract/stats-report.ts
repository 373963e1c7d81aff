import type { BreakerState } from './provider-status.js';

/** Tokens and USD over calls that returned an answer. */
export interface TokensAndCost {
  inputTokens: number;
  outputTokens: number;
  /** USD over calls whose model has a price. */
  costUsd: number;
  /** Successful calls to models with no price: their cost is unknown and not in costUsd. */
  unpricedCalls: number;
}

/** One provider in `GET /v1/stats`. */
export interface ProviderStats extends TokensAndCost {
  name: string;
  state: BreakerState;
  /** When the breaker entered this state (ISO). */
  since?: string;
  nextProbeAt?: string;
  reason?: string;
  /** Calls that reached the provider. */
  calls: number;
  /** Calls that failed because of the provider (not rejected requests). */
  failures: number;
  /** Chain entries skipped while its breaker was open. */
  skips: number;
  /** Jobs deferred with this provider open in their chain. */
  deferrals: number;
  /** Jobs deferred right now with this provider in their chain. */
  deferredNow: number;
  recent: {
    windowMs: number;
    calls: number;
    failures: number;
    /** failures ÷ calls over the window; null with no calls. */
    failureRate: number | null;
  };
}

/** One provider/model pair in `GET /v1/stats`. */
export interface ModelStats extends TokensAndCost {
  provider: string;
  model: string;
  /** Calls by outcome: ok, or the error class. */
  calls: Record<string, number>;
  skips: number;
  /** Jobs this model served as a fallback. */
  fallbacks: number;
  latencySecondsSum: number;
}

/** Every provider and model together. */
export interface StatsTotals extends TokensAndCost {
  calls: number;
}

/** What `GET /v1/stats` returns. */
export interface StatsReport {
  providers: ProviderStats[];
  models: ModelStats[];
  totals: StatsTotals;
  /** Jobs by BullMQ state; `delayed` includes deferred ones. */
  jobs: Record<string, number>;
  /** When the built-in prices were taken; `pricing` in the config overrides them. */
  pricesTakenOn: string;
  /** Webhook delivery attempts by verdict: delivered, retry, gone (410), give-up. */
  webhooks: Record<string, number>;
  cache: CacheStats;
}

/** The result cache since the stats began. */
export interface CacheStats {
  /** Jobs served a fresh cached answer: no provider call. */
  hits: number;
  /** Jobs served an expired answer while every provider of their chain was open (acceptStale). */
  staleHits: number;
  /** Jobs that looked and found nothing: they called a provider (or waited for an identical job). */
  misses: number;
  /** USD the served answers cost when they were first computed: what the cache saved. */
  savedUsd: number;
}
