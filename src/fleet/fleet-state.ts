import type { Availability } from '../resilience/availability.js';
import { probeTime, statusOf } from '../resilience/provider-state.js';
import type { FleetRecord } from './fleet-record.js';

/** A provider as one process knows the fleet's view of it: one value, changed only by `nextFleetState`. */
export type FleetState =
  /** The fleet has not opened the provider: this process's own breaker decides. */
  | { kind: 'local' }
  /** The fleet says open. Once its `until` has passed, the next call may take the probe lease. */
  | { kind: 'open'; record: FleetRecord }
  /** This process holds the probe lease: its next call is the probe (`won`), or it is in flight (`sending`). */
  | { kind: 'probing'; record: FleetRecord; step: 'won' | 'sending' }
  /** Another worker holds the probe lease until `leaseUntil` (as last heard). */
  | { kind: 'others-probing'; record: FleetRecord; leaseUntil: number };

export type FleetEvent =
  /** A record from Redis or a broadcast. */
  | { type: 'record'; record: FleetRecord }
  | { type: 'probe-won' }
  | { type: 'probe-sent' }
  /** Refused the lease: another worker holds it this much longer. */
  | { type: 'probe-lost'; leaseUntil: number }
  /** This process's probe settled (or its lease could not be had): back to the fleet's record. */
  | { type: 'probe-ended' };

export const followingLocal: FleetState = { kind: 'local' };

/** The state after an event. Pure: the caller performs what the change implies (see `FleetCircuit`). */
export function nextFleetState(state: FleetState, event: FleetEvent): FleetState {
  switch (event.type) {
    case 'record':
      return afterRecord(state, event.record);
    case 'probe-won':
      // Taken only when the provider reads half-open: the fleet's `until` has passed, and so has the
      // lease another worker held as last heard (a prober cut off hands its lease back unannounced).
      return state.kind === 'open' || state.kind === 'others-probing'
        ? { kind: 'probing', record: state.record, step: 'won' }
        : state;
    case 'probe-sent':
      return state.kind === 'probing' ? { ...state, step: 'sending' } : state;
    case 'probe-lost':
      return state.kind === 'local'
        ? state
        : { kind: 'others-probing', record: state.record, leaseUntil: event.leaseUntil };
    case 'probe-ended':
      return state.kind === 'probing' ? { kind: 'open', record: state.record } : state;
    default:
      throw new Error(`unknown fleet event ${JSON.stringify(event satisfies never)}`);
  }
}

function afterRecord(state: FleetState, record: FleetRecord): FleetState {
  if (record.state === 'closed') return followingLocal;
  if (state.kind === 'local') return { kind: 'open', record };
  // The prober applies its own change at once; the broadcast of it arrives again later.
  if (state.record.until === record.until && state.record.reason === record.reason) return state;
  // A probe in flight stays in flight; its outcome is checked against the fleet when it settles.
  return state.kind === 'probing' ? { ...state, record } : { kind: 'open', record };
}

/** Whether a call may go now, as the fleet's state says; `local` answers while the fleet has not opened it. */
export function fleetAvailability(
  state: FleetState,
  now: number,
  provider: string,
  local: () => Availability,
): Availability {
  if (state.kind === 'local') return local();
  const status = statusOf(state.record, now);
  if (status.kind !== 'half-open' && status.kind !== 'closed') {
    return { kind: 'open', until: probeTime(status) ?? now, reason: status.reason };
  }
  switch (state.kind) {
    case 'probing':
      // This process's probe is taken (being asked for, or in flight): its other calls wait for it.
      return { kind: 'probing' };
    case 'others-probing':
      // Open for this process until that lease ends: its jobs defer instead of spending attempts.
      if (now < state.leaseUntil) {
        return { kind: 'open', until: state.leaseUntil, reason: `another worker is probing ${provider}` };
      }
      return { kind: 'half-open' };
    case 'open':
      return { kind: 'half-open' };
    default:
      throw new Error(`unknown fleet state ${JSON.stringify(state satisfies never)}`);
  }
}

/**
 * For a provider probed by a synthetic request: half-open (or being probed) reads open to jobs, so
 * no job is ever the probe; they are woken when the probe closes it. Pure.
 */
export function awaitingHealthProbe(
  availability: Availability,
  record: FleetRecord,
  provider: string,
  now: number,
  recheckMs = 1_000,
): Availability {
  if (availability.kind !== 'half-open' && availability.kind !== 'probing') return availability;
  const why = record.state === 'open' ? record.reason : 'open';
  return { kind: 'open', until: now + recheckMs, reason: `${provider} waits for its health probe (${why})` };
}
