import type { Queue } from 'bullmq';
import type { LimitsStore } from '../admission/limits-store.js';
import type { BreakwaterConfig } from '../config/schema.js';
import type { FleetStore } from '../fleet/fleet-store.js';
import { chainShut } from '../resilience/chain-shut.js';
import type { StatsSources } from './stats-report.js';
import type { StatsStore } from './stats-store.js';

export interface SnapshotReaders {
  config: BreakwaterConfig;
  queue: Pick<Queue, 'getJobCounts'>;
  fleet: Pick<FleetStore, 'read' | 'deferredCounts'>;
  stats: Pick<StatsStore, 'read'>;
  /** Admission's state: limits, budgets, jobs waiting for capacity. */
  limits?: Pick<LimitsStore, 'read'>;
  now?: () => number;
}

/** Everything /v1/stats, /metrics and the provider panel show, read from Redis at once. */
export async function readSnapshot(readers: SnapshotReaders): Promise<StatsSources> {
  const providers = Object.keys(readers.config.providers);
  const now = (readers.now ?? Date.now)();
  const [stats, records, deferredNow, jobs, limits] = await Promise.all([
    readers.stats.read(),
    readers.fleet.read(),
    readers.fleet.deferredCounts(providers),
    readers.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
    readers.limits?.read(now),
  ]);
  const everyProviderShut = chainShut(providers, records, now) !== undefined;
  return {
    config: readers.config,
    stats,
    records,
    deferredNow,
    jobs: {
      ...jobsByState(jobs, everyProviderShut),
      ...(limits ? { waitingOnLimit: limits.waitingOnLimit } : {}),
    },
    ...(limits ? { limits } : {}),
    now,
  };
}

/**
 * Job counts as people read them. While every provider is open the queue is paused: its waiting
 * jobs are not merely queued, they wait for a provider, so they count as deferred.
 */
export function jobsByState(
  counts: Readonly<Record<string, number>>,
  everyProviderShut: boolean,
): Record<string, number> {
  if (!everyProviderShut) return { ...counts };
  const held = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
  return { ...counts, waiting: 0, prioritized: 0, deferred: held };
}
