import { openUntilClosed } from './availability.js';

/** Who changed a provider by hand through the API, and why. */
export interface ManualChange {
  by: string;
  reason: string;
}

/**
 * A provider's breaker state as the whole fleet records it: one record per provider in Redis,
 * changed atomically and broadcast to every process.
 */
export interface ProviderRecord {
  state: 'open' | 'closed';
  /** When it entered this state (epoch ms). */
  since: number;
  /** While open: when one probe is admitted (epoch ms). Absent: open until closed by hand. */
  until?: number;
  reason?: string;
  /** The worker (or API caller) that made the change. */
  worker: string;
  /** Set when a person opened or closed it through the API. */
  manual?: ManualChange;
}

/** What a provider's record means at a given moment: the one model every reader switches on. */
export type ProviderState =
  /** Calls go through. */
  | { kind: 'closed'; since?: number; manual?: ManualChange }
  /** Tripped (or held by a Retry-After): no calls until `until`, when one probe is admitted. */
  | { kind: 'open'; since: number; until: number; reason: string }
  /** Opened by a person: no calls until `until`, or until closed by hand when it has none. */
  | { kind: 'manual'; since: number; until?: number; reason: string; manual: ManualChange }
  /** The open period is over: the next call is the one probe. Keeps why it was open and since when. */
  | { kind: 'half-open'; since: number; probeAt: number; reason: string; manual?: ManualChange };

/** The public three-way breaker state. */
export type BreakerStateName = 'closed' | 'open' | 'half-open';

/**
 * The state a record means at `now`. The one place where an open record whose `until` has passed
 * reads half-open. No record: closed (the fleet has never opened it).
 */
export function statusOf(record: ProviderRecord | undefined, now: number): ProviderState {
  if (!record || record.state === 'closed') {
    return {
      kind: 'closed',
      ...(record ? { since: record.since } : {}),
      ...(record?.manual ? { manual: record.manual } : {}),
    };
  }
  const reason = describeOpen(record);
  if (record.until !== undefined && record.until <= now) {
    return {
      kind: 'half-open',
      since: record.since,
      probeAt: record.until,
      reason,
      ...(record.manual ? { manual: record.manual } : {}),
    };
  }
  if (record.manual) {
    return {
      kind: 'manual',
      since: record.since,
      ...(record.until === undefined ? {} : { until: record.until }),
      reason,
      manual: record.manual,
    };
  }
  return { kind: 'open', since: record.since, until: record.until ?? openUntilClosed, reason };
}

/** The public breaker state of a provider state. */
export function breakerStateName(state: ProviderState): BreakerStateName {
  switch (state.kind) {
    case 'closed':
      return 'closed';
    case 'open':
    case 'manual':
      return 'open';
    case 'half-open':
      return 'half-open';
    default:
      throw new Error(`unknown provider state ${JSON.stringify(state satisfies never)}`);
  }
}

/** When a shut provider admits a probe (epoch ms); `openUntilClosed` for a manual open with no end. */
export function probeTime(state: ProviderState): number | undefined {
  switch (state.kind) {
    case 'closed':
      return undefined;
    case 'open':
      return state.until;
    case 'manual':
      return state.until ?? openUntilClosed;
    case 'half-open':
      return state.probeAt;
    default:
      throw new Error(`unknown provider state ${JSON.stringify(state satisfies never)}`);
  }
}

/** Why an open record is open, in the words people read: a manual open names who and why. */
function describeOpen(record: ProviderRecord): string {
  if (record.manual) return `opened by ${record.manual.by}: ${record.manual.reason}`;
  return record.reason ?? 'breaker open';
}
