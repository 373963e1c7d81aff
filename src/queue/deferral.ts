import type { Attempt } from '../contract/attempt.js';

/** What Breakwater keeps on a job between runs, in BullMQ's `progress` field. */
export interface JobProgress {
  /** Times the job was deferred because every provider of its chain was open. */
  deferrals: number;
  /** While deferred: when the job runs again (epoch ms). */
  deferredUntil?: number;
  /** Why the job was last deferred, for people. */
  reason?: string;
  /** What it waits for: every provider open (`outage`, the default) or capacity under a limit. */
  cause?: 'outage' | 'limit';
  /** Times the job waited for capacity (rate limits, quotas, budgets); never an attempt. */
  limitWaits?: number;
  /** The attempts of the last run. */
  lastAttempts?: Attempt[];
  /** While batched: the provider and model whose batch has the job, and when it looks by itself. */
  batch?: { provider: string; model: string; until: number };
}

export function readProgress(progress: unknown): JobProgress {
  if (
    typeof progress === 'object' &&
    progress !== null &&
    typeof (progress as JobProgress).deferrals === 'number'
  ) {
    return progress as JobProgress;
  }
  return { deferrals: 0 };
}
