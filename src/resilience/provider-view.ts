import type { BreakwaterConfig } from '../config/schema.js';
import { openUntilClosed } from './availability.js';
import {
  type BreakerStateName,
  breakerStateName,
  type ManualChange,
  type ProviderRecord,
  type ProviderState,
  probeTime,
  statusOf,
} from './provider-state.js';

/** A provider's state as people and programs read it (`/v1/providers`, `/v1/stats`, the panel). */
export interface ProviderView {
  name: string;
  type: string;
  state: BreakerStateName;
  /** While shut: when the breaker admits its next probe (ISO); absent for a manual open with no end. */
  nextProbeAt?: string;
  /** While shut or half-open: why it was opened. */
  reason?: string;
  /** When the provider entered this state (ISO). */
  updatedAt?: string;
  manual?: ManualChange;
}

/**
 * A provider as `GET /v1/providers` shows it: the state its fleet record means now. A half-open
 * provider keeps its reason and the time its probe was admitted.
 */
export function providerView(
  name: string,
  config: BreakwaterConfig,
  record: ProviderRecord | undefined,
  now: number,
): ProviderView {
  const state = statusOf(record, now);
  return {
    name,
    type: config.providers[name]?.type ?? 'unknown',
    state: breakerStateName(state),
    ...openFields(state),
    ...(record ? { updatedAt: new Date(record.since).toISOString() } : {}),
    ...(record?.manual ? { manual: record.manual } : {}),
  };
}

function openFields(state: ProviderState): Pick<ProviderView, 'nextProbeAt' | 'reason'> {
  if (state.kind === 'closed') return {};
  const probeAt = probeTime(state);
  return {
    reason: state.reason,
    ...(probeAt === undefined || probeAt >= openUntilClosed
      ? {}
      : { nextProbeAt: new Date(probeAt).toISOString() }),
  };
}
