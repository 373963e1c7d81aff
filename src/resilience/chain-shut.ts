import { openUntilClosed } from './availability.js';
import { type ProviderRecord, probeTime, statusOf } from './provider-state.js';

/** Every provider of a chain is shut: why, one reason per provider, and when the first admits a probe. */
export interface ChainShut {
  reasons: string[];
  until: number;
}

/** `primary open until 2026-11-22T12:00:30.480Z (breaker open: overloaded 503)`: one shut provider, for people. */
export function shutReason(provider: string, until: number, reason: string): string {
  const when = until >= openUntilClosed ? 'until closed by hand' : `until ${new Date(until).toISOString()}`;
  return `${provider} open ${when} (${reason})`;
}

/**
 * Whether every provider of a chain is shut by the fleet's records at `now` (open or opened by hand,
 * not yet admitting a probe). Undefined as soon as one of them may take a call or its probe.
 */
export function chainShut(
  providers: readonly string[],
  records: ReadonlyMap<string, ProviderRecord>,
  now: number,
): ChainShut | undefined {
  const reasons: string[] = [];
  let until = Number.POSITIVE_INFINITY;
  for (const provider of new Set(providers)) {
    const state = statusOf(records.get(provider), now);
    if (state.kind !== 'open' && state.kind !== 'manual') return undefined;
    const probeAt = probeTime(state) ?? openUntilClosed;
    until = Math.min(until, probeAt);
    reasons.push(shutReason(provider, probeAt, state.reason));
  }
  return reasons.length === 0 ? undefined : { reasons, until };
}
