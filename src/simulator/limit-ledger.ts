import type { Decision } from './decide.js';
import {
  type Admission,
  admit,
  type CallCost,
  type LimitBuckets,
  type LimitView,
  limitView,
  type SimulatedLimits,
} from './rate-limits.js';

/**
 * The simulator's rate-limit buckets, one set per provider and model (providers limit each model
 * apart), started full the first time a model is called.
 */
export class LimitLedger {
  readonly #buckets = new Map<string, { provider: string; buckets: LimitBuckets }>();

  admit(provider: string, model: string, limits: SimulatedLimits, cost: CallCost, now: number): Admission {
    const key = keyOf(provider, model);
    const admission = admit(limits, this.#buckets.get(key)?.buckets ?? {}, cost, now);
    this.#buckets.set(key, { provider, buckets: admission.buckets });
    return admission;
  }

  view(provider: string, model: string, limits: SimulatedLimits, now: number): LimitView {
    return limitView(limits, this.#buckets.get(keyOf(provider, model))?.buckets ?? {}, now);
  }

  /** Drops a provider's buckets (its limits changed), or every provider's. */
  forget(provider?: string): void {
    for (const [key, entry] of this.#buckets) {
      if (provider === undefined || entry.provider === provider) this.#buckets.delete(key);
    }
  }
}

function keyOf(provider: string, model: string): string {
  return JSON.stringify([provider, model]);
}

/**
 * Whether a call reaches the point where the provider counts it against its limits: a call it serves,
 * or one that fails past the gateway (an outage window, the error rate, a rejected prompt). A refused
 * key, a provider that is down or hangs, and the fixed rate-limited and quota modes are not counted.
 */
export function countsAgainstLimits(decision: Decision): boolean {
  if (decision.kind === 'reply') return true;
  if (decision.kind === 'hang') return false;
  return decision.error === 'outage' || decision.error === 'error-rate' || decision.error === 'rejected';
}
