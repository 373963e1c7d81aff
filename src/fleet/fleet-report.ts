import type { Availability } from '../resilience/availability.js';
import { type CircuitTransition, describeFailure } from '../resilience/provider-circuit.js';
import type { FailureReport, OpenRequest } from './fleet-store.js';

/** The fleet's breaker: when this process's failures and trips open the provider everywhere, and for how long. */
export interface FleetBreakerOptions {
  /** Distinct workers that must trip before the fleet opens. @defaultValue 1 */
  quorum: number;
  /** How long a trip counts towards the quorum (the breaker's rolling window). */
  windowMs: number;
  resetTimeoutMs: number;
  /** Failures fleet-wide in the window before the provider opens (the breaker's volume threshold). */
  volumeThreshold: number;
  errorThresholdPercentage: number;
}

/** A failed call as the fleet counts it, with whether this worker's own rate may trip it. Pure. */
export function failureReport(
  error: unknown,
  stats: { fires: number; failures: number },
  now: number,
  options: FleetBreakerOptions,
): FailureReport {
  const rate = stats.fires === 0 ? 100 : (stats.failures / stats.fires) * 100;
  // opossum opens above the threshold; at it, not yet.
  return {
    until: now + options.resetTimeoutMs,
    reason: `breaker open: ${describeFailure(error)}`,
    quorum: options.quorum,
    windowMs: options.windowMs,
    volume: options.volumeThreshold,
    eligible: rate > options.errorThresholdPercentage || rate === 100,
  };
}

/**
 * This process's breaker tripped (or a Retry-After holds it): the request that opens the fleet, quorum
 * permitting. Undefined for any other transition. Pure but for reading `local` when it tripped.
 */
export function tripRequest(
  transition: CircuitTransition,
  local: () => Availability,
  options: Pick<FleetBreakerOptions, 'quorum' | 'windowMs'>,
): OpenRequest | undefined {
  if (transition.source !== 'local' || transition.state !== 'open' || transition.until === undefined)
    return undefined;
  // The local circuit's own wording: "breaker open: overloaded 503", or a Retry-After hold.
  const availability = local();
  return {
    until: transition.until,
    reason: availability.kind === 'open' ? availability.reason : (transition.reason ?? 'breaker open'),
    quorum: options.quorum,
    windowMs: options.windowMs,
  };
}
