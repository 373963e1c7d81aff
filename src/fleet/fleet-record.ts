import type { ProviderRecord } from '../resilience/provider-state.js';

/** A provider's breaker state as the whole fleet sees it, kept in Redis. */
export type FleetRecord = ProviderRecord;

/** A record from Redis or a message, or undefined when it is not one. */
export function parseFleetRecord(json: string): FleetRecord | undefined {
  try {
    return checkFleetRecord(JSON.parse(json));
  } catch {
    return undefined;
  }
}

/** The value as a record when it has a record's shape, else undefined. */
export function checkFleetRecord(value: unknown): FleetRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<FleetRecord>;
  const manual = record.manual as Partial<FleetRecord['manual']> | undefined;
  const valid =
    (record.state === 'open' || record.state === 'closed') &&
    typeof record.since === 'number' &&
    typeof record.worker === 'string' &&
    (record.until === undefined || typeof record.until === 'number') &&
    (record.reason === undefined || typeof record.reason === 'string') &&
    (manual === undefined || (typeof manual?.by === 'string' && typeof manual.reason === 'string'));
  return valid ? (record as FleetRecord) : undefined;
}
