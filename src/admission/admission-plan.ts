import { ownEntry } from '../config/own-key.js';
import type { BreakwaterConfig, BudgetPeriod, RateLimits } from '../config/schema.js';
import type { BudgetWindow, WindowOf } from './budget-window.js';
import type { CallEstimate } from './estimate.js';

/** One call about to be sent, as admission sees it. */
export interface AdmissionCall {
  provider: string;
  model: string;
  /** The call's timeout: a crashed worker's concurrency slot is taken back after it. */
  timeoutMs: number;
  estimate: CallEstimate;
  /** USD the call may cost at most (0 when the model has no price). */
  estimatedCostUsd: number;
  /** The job's route; undefined for a job with its own chain. */
  route: string | undefined;
  tenant: string | undefined;
}

/** Where a limit lives: the provider as a whole, one of its models, or a tenant. */
export type LimitScope = `provider:${string}` | `model:${string}` | `tenant:${string}`;

/** A continuously refilled bucket of requests or tokens per minute. */
export interface RateCheck {
  scope: LimitScope;
  unit: 'requests' | 'tokens';
  /** For people: `openai`, `openai/gpt-4.1`, `tenant acme`. */
  label: string;
  /** The configured limit per minute; absent = only what the provider reports applies. */
  limit?: number;
  cost: number;
}

/** Calls in flight at once. */
export interface LeaseCheck {
  scope: LimitScope;
  label: string;
  limit: number;
}

export interface BudgetCheck {
  name: string;
  usd: number;
  per: BudgetPeriod;
  window: BudgetWindow;
  cost: number;
}

/** Everything one call must reserve, in one atomic step. */
export interface AdmissionPlan {
  rates: RateCheck[];
  leases: LeaseCheck[];
  budgets: BudgetCheck[];
}

export const providerScope = (provider: string): LimitScope => `provider:${provider}`;
export const modelScope = (provider: string, model: string): LimitScope => `model:${provider}/${model}`;
export const tenantScope = (tenant: string): LimitScope => `tenant:${tenant}`;

/**
 * What a call must reserve. The provider's limits count all its calls together; a model's own limits
 * (configured under `models`, or reported by the provider in its headers) count that model's calls;
 * a tenant's caps count the tenant's calls; every budget whose provider, route and tenant match the
 * call counts its cost. The model's buckets are always checked: they hold what the provider reported
 * (learned limits, a 429's reset), even where nothing is configured. Pure.
 */
export function admissionPlan(
  config: BreakwaterConfig,
  call: AdmissionCall,
  now: number,
  windowOf: WindowOf,
): AdmissionPlan {
  const providerConfig = ownEntry(config.providers, call.provider);
  const limits = providerConfig?.limits;
  const tokens = call.estimate.inputTokens + call.estimate.outputTokens;
  const rates: RateCheck[] = [];
  const leases: LeaseCheck[] = [];
  // `always`: the bucket is read even with no configured limit, for what the provider reported.
  const add = (
    scope: LimitScope,
    label: string,
    configured: RateLimits | undefined,
    always: { requests: boolean; tokens: boolean },
  ) => {
    if (always.requests || configured?.rpm !== undefined) {
      rates.push({ scope, unit: 'requests', label, cost: 1, ...limitOf(configured?.rpm) });
    }
    if (always.tokens || configured?.tpm !== undefined) {
      rates.push({ scope, unit: 'tokens', label, cost: tokens, ...limitOf(configured?.tpm) });
    }
    if (configured?.concurrency !== undefined) leases.push({ scope, label, limit: configured.concurrency });
  };
  // The provider's requests bucket holds an exhausted quota; the model's, a 429 and learned limits.
  add(providerScope(call.provider), call.provider, limits, { requests: true, tokens: false });
  add(
    modelScope(call.provider, call.model),
    `${call.provider}/${call.model}`,
    limits ? ownEntry(limits.models, call.model) : undefined,
    { requests: true, tokens: true },
  );
  if (call.tenant !== undefined) {
    add(tenantScope(call.tenant), `tenant ${call.tenant}`, ownEntry(config.tenants, call.tenant), {
      requests: false,
      tokens: false,
    });
  }
  const budgets = config.budgets
    .filter(
      (budget) =>
        (budget.provider === undefined || budget.provider === call.provider) &&
        (budget.route === undefined || budget.route === call.route) &&
        (budget.tenant === undefined || budget.tenant === call.tenant),
    )
    .map((budget) => ({
      name: budget.name,
      usd: budget.usd,
      per: budget.per,
      window: windowOf(budget.per, now),
      cost: call.estimatedCostUsd,
    }));
  return { rates, leases, budgets };
}

function limitOf(limit: number | undefined): { limit?: number } {
  return limit === undefined ? {} : { limit };
}

/** Where a call goes, as far as which limits apply to it. */
export type CallPlace = Pick<AdmissionCall, 'provider' | 'model' | 'route' | 'tenant'>;

/**
 * Whether any configured limit, tenant cap or budget applies to a call here: exactly when the
 * plan of `admissionPlan` holds a lease, a budget or a rate with a configured limit. It reads the
 * config only, allocating nothing, so a call with nothing configured is told apart without a plan.
 */
export function configuredFor(config: BreakwaterConfig, place: CallPlace): boolean {
  const limits = ownEntry(config.providers, place.provider)?.limits;
  if (limits && limiting(limits)) return true;
  const model = limits ? ownEntry(limits.models, place.model) : undefined;
  if (model && limiting(model)) return true;
  const tenant = place.tenant === undefined ? undefined : ownEntry(config.tenants, place.tenant);
  if (tenant && limiting(tenant)) return true;
  for (const budget of config.budgets) {
    if (
      (budget.provider === undefined || budget.provider === place.provider) &&
      (budget.route === undefined || budget.route === place.route) &&
      (budget.tenant === undefined || budget.tenant === place.tenant)
    )
      return true;
  }
  return false;
}

function limiting(limits: RateLimits): boolean {
  return limits.rpm !== undefined || limits.tpm !== undefined || limits.concurrency !== undefined;
}
