/** Whether a provider will take a call now, as one switchable value. */
export type Availability =
  /** Closed: calls go through. */
  | { kind: 'closed' }
  /** Half-open and no probe sent yet: the next call is the probe. */
  | { kind: 'half-open' }
  /** Half-open with the probe in flight: wait for its outcome rather than call. */
  | { kind: 'probing' }
  /** Open (or held by Retry-After): no calls until `until` (epoch ms), when a probe is admitted. */
  | { kind: 'open'; until: number; reason: string };

/** `until` of a provider opened by hand with no end: the latest time a Date can hold. */
export const openUntilClosed = 8.64e15;

export type BreakerState = 'closed' | 'half-open' | 'open';

export function breakerStateOf(availability: Availability): BreakerState {
  switch (availability.kind) {
    case 'closed':
      return 'closed';
    case 'half-open':
    case 'probing':
      return 'half-open';
    case 'open':
      return 'open';
    default:
      throw new Error(`unknown availability ${JSON.stringify(availability satisfies never)}`);
  }
}
