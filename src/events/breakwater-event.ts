import type { FleetRecord } from '../fleet/fleet-record.js';

// The events' shapes are part of the public contract; the server builds them here.
export type {
  BreakerEvent,
  BreakwaterEvent,
  JobDeltaEvent,
  JobEvent,
  JobEventName,
  JobRestartEvent,
} from '../contract/events.js';

import type { BreakerEvent } from '../contract/events.js';

export function breakerEvent(provider: string, record: FleetRecord): BreakerEvent {
  return {
    type: 'breaker',
    provider,
    state: record.state,
    at: new Date(record.since).toISOString(),
    ...(record.until === undefined ? {} : { until: new Date(record.until).toISOString() }),
    ...(record.reason ? { reason: record.reason } : {}),
    worker: record.worker,
    ...(record.manual ? { manual: record.manual } : {}),
  };
}
