/** A provider's breaker state as the whole fleet sees it, kept in Redis. */
export interface FleetRecord {
  state: 'open' | 'closed';
  /** When it entered this state (epoch ms). */
  since: number;
  /** While open: when one probe is admitted (epoch ms). Absent: open until closed by hand. */
  until?: number;
  reason?: string;
  /** The worker (or API caller) that made the change. */
  worker: string;
  /** Set when a person opened or closed it through the API. */
  manual?: { by: string; reason: string };
}

/** A record from Redis or a message, or undefined when it is not one. */
export function parseFleetRecord(json: string): FleetRecord | undefined {
  try {
    const value = JSON.parse(json) as FleetRecord;
    const valid =
      (value.state === 'open' || value.state === 'closed') &&
      typeof value.since === 'number' &&
      typeof value.worker === 'string' &&
      (value.until === undefined || typeof value.until === 'number');
    return valid ? value : undefined;
  } catch {
    return undefined;
  }
}
