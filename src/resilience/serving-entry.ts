import type { ChainEntry } from '../config/schema.js';
import type { BreakerStateName } from './provider-state.js';

/** What decides whether an entry could take a job now: its breaker and its capacity. */
export interface EntryConditions {
  state: (provider: string) => BreakerStateName | undefined;
  limits: (provider: string) => CapacityFacts | undefined;
}

/** What of a provider's limits view decides capacity. */
export interface CapacityFacts {
  capacity: string;
  buckets: readonly {
    model?: string | undefined;
    blockedUntil?: string | undefined;
    remaining?: number | undefined;
  }[];
}

/**
 * The entry of a chain that would serve a job now: the first whose breaker is not open and whose
 * provider and model have capacity (no spent quota, no 429 hold, a bucket not empty). Pure.
 */
export function servingEntry(
  chain: readonly ChainEntry[],
  conditions: EntryConditions,
): { entry: ChainEntry; index: number } | undefined {
  for (const [index, entry] of chain.entries()) {
    if (conditions.state(entry.provider) === 'open') continue;
    const limits = conditions.limits(entry.provider);
    if (limits?.capacity === 'quota-exhausted') continue;
    const held = limits?.buckets.some(
      (bucket) =>
        (bucket.model === undefined || bucket.model === entry.model) &&
        (bucket.blockedUntil !== undefined || bucket.remaining === 0),
    );
    if (held) continue;
    return { entry, index };
  }
  return undefined;
}
