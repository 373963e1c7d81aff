/** One bucket of a provider's limits as people read it (`GET /v1/providers`, metrics, the panel). */
export interface LimitBucketView {
  /** The provider's whole traffic, or one model's. */
  model?: string;
  unit: 'requests' | 'tokens';
  /** Per minute, from the config. */
  configured?: number;
  /** Per minute, as the provider last reported it in its headers. */
  learned?: number;
  /** What is left now, on the per-minute scale of the limit in force. */
  remaining?: number;
  /** When the bucket is whole again (ISO). */
  resetAt?: string;
  /** No call until then: the provider answered 429, or its quota is exhausted. */
  blockedUntil?: string;
  blockReason?: string;
}

/** A provider's capacity: calls go, a limit holds them back, or its quota is spent. */
export type CapacityState = 'available' | 'rate-limited' | 'quota-exhausted';

export interface ProviderLimitsView {
  capacity: CapacityState;
  buckets: LimitBucketView[];
  /** Calls in flight now, fleet-wide (counted only where a concurrency limit is configured). */
  inFlight?: number;
  concurrency?: number;
}

export interface BudgetView {
  name: string;
  usd: number;
  per: 'hour' | 'day' | 'month';
  provider?: string;
  route?: string;
  tenant?: string;
  /** Spent and reserved in the current window. */
  spentUsd: number;
  windowStart: string;
  resetsAt: string;
}
