import { openUntilClosed } from '../resilience/availability.js';
import { statusOf } from '../resilience/provider-state.js';
import type { FleetRecord } from './fleet-record.js';
import type { FleetState } from './fleet-state.js';

/** What a change of the fleet's state puts on this process's own breaker. */
export type FleetHold =
  | { kind: 'none' }
  /** Closed fleet-wide: lift what the fleet put on this process. */
  | { kind: 'reset' }
  /** Open fleet-wide: hold this process's breaker open until `until`. */
  | { kind: 'hold'; until: number; reason: string };

/** The hold implied by applying `record`, which moved the state from `before` to `after`. Pure. */
export function fleetHold(
  before: FleetState,
  after: FleetState,
  record: FleetRecord,
  now: number,
): FleetHold {
  if (after === before) return { kind: 'none' };
  // Closed fleet-wide: lift what the fleet put on this process (a local trip awaiting quorum,
  // made while the fleet never opened it, stands).
  if (after.kind === 'local') return { kind: 'reset' };
  if (record.state !== 'open') return { kind: 'none' };
  const status = statusOf(record, now);
  return {
    kind: 'hold',
    until: record.until ?? openUntilClosed,
    reason: status.kind === 'closed' ? 'open' : status.reason,
  };
}
