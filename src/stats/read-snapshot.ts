import type { Queue } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { FleetStore } from '../fleet/fleet-store.js';
import type { StatsSources } from './stats-report.js';
import type { StatsStore } from './stats-store.js';

export interface SnapshotReaders {
  config: BreakwaterConfig;
  queue: Pick<Queue, 'getJobCounts'>;
  fleet: Pick<FleetStore, 'read' | 'deferredCounts'>;
  stats: Pick<StatsStore, 'read'>;
  now?: () => number;
}

/** Everything /v1/stats, /metrics and the provider panel show, read from Redis at once. */
export async function readSnapshot(readers: SnapshotReaders): Promise<StatsSources> {
  const providers = Object.keys(readers.config.providers);
  const [stats, records, deferredNow, jobs] = await Promise.all([
    readers.stats.read(),
    readers.fleet.read(),
    readers.fleet.deferredCounts(providers),
    readers.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
  ]);
  return { config: readers.config, stats, records, deferredNow, jobs, now: (readers.now ?? Date.now)() };
}
