import type { FleetRecord } from './fleet-record.js';
import type { FleetStore } from './fleet-store.js';
import type { ProbeVerdict } from './probe-verdict.js';

/**
 * Records the probe's outcome fleet-wide and returns the record to apply here. When the fleet refused
 * it (the lease was lost: someone opened or closed the provider by hand meanwhile), that is what the
 * fleet says now; when Redis is unreachable, it is the outcome alone.
 */
export async function settleProbe(
  store: Pick<FleetStore, 'open' | 'close' | 'readOne'>,
  provider: string,
  verdict: ProbeVerdict,
  now: number,
): Promise<FleetRecord> {
  const mine: FleetRecord = { ...verdict, since: now, worker: 'probe' };
  const accepted = await writeVerdict(store, provider, verdict).catch(() => undefined);
  if (accepted !== false) return mine;
  const current = await store.readOne(provider).catch(() => undefined);
  return current ?? mine;
}

/** Whether the fleet took the verdict: only while this worker still holds the probe lease. */
async function writeVerdict(
  store: Pick<FleetStore, 'open' | 'close'>,
  provider: string,
  verdict: ProbeVerdict,
): Promise<boolean> {
  if (verdict.state === 'closed') return store.close(provider, { probe: true });
  const { until, reason } = verdict;
  return (await store.open(provider, { until, reason, force: true, probe: true })) === 'opened';
}
