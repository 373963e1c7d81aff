import { CallAbortedError } from '../providers/call-aborted-error.js';
import { ProviderError } from '../providers/provider-error.js';
import { countsAgainstProvider, describeFailure } from '../resilience/provider-circuit.js';

/** What a probe's answer tells the fleet: the provider is down again until `until`, or it is up. */
export type ProbeVerdict = { state: 'open'; until: number; reason: string } | { state: 'closed' };

/** A failed probe: a verdict, or cut off by the caller's abort before it told anything. */
export type FailedProbe = ProbeVerdict | { state: 'aborted' };

/**
 * A probe that threw, judged. Pure. Cut off by the caller's abort, it says nothing (`aborted`: the
 * lease is handed back); a provider failure reopens it for the reset period (or as long as a
 * Retry-After asks); a refused or limited request closes it: the provider answered, it is up.
 */
export function failedProbeVerdict(
  error: unknown,
  probe: { label: 'probe' | 'health probe'; now: number; resetTimeoutMs: number },
): FailedProbe {
  if (CallAbortedError.is(error)) return { state: 'aborted' };
  if (!countsAgainstProvider(error)) return { state: 'closed' };
  const retryAfterMs = ProviderError.is(error) ? (error.retryAfterMs ?? 0) : 0;
  return {
    state: 'open',
    until: probe.now + Math.max(probe.resetTimeoutMs, retryAfterMs),
    reason: `${probe.label} failed: ${describeFailure(error)}`,
  };
}
