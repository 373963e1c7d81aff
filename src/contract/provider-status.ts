/** A provider's breaker as the API reports it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

import type { BudgetView, ProviderLimitsView } from './provider-limits.js';

export type { BudgetView, CapacityState, LimitBucketView, ProviderLimitsView } from './provider-limits.js';

/** One provider as `GET /v1/providers` returns it. */
export interface ProviderStatus {
  name: string;
  /** The provider type from the config (`openai`, `simulated`, …). */
  type: string;
  state: BreakerState;
  /** While open: when the breaker admits its next probe call (ISO). */
  nextProbeAt?: string;
  /** While open: why (the last failure, or a Retry-After hold). */
  reason?: string;
  /** When the provider entered this state (ISO). */
  updatedAt?: string;
  /** Set when a person opened or closed it by hand. */
  manual?: { by: string; reason: string };
  /** Its limits (configured and reported), what remains, calls in flight, and whether its quota is spent. */
  limits?: ProviderLimitsView;
}

/** What `GET /v1/providers` returns. */
export interface ProvidersResponse {
  providers: ProviderStatus[];
  /** Each budget's spend in its current window. */
  budgets: BudgetView[];
  /** Per route, the entry that would serve a job now; `servedBy` is absent when none could. */
  routes: { name: string; servedBy?: { provider: string; model: string; index: number } }[];
}
