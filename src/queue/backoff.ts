import type { BackoffOptions, MinimalJob } from 'bullmq';
import { backoffType } from './job-options.js';
import { RetryableJobError } from './retryable-job-error.js';

export interface BackoffSettings {
  random?: () => number;
  /** Longest a retry waits. @defaultValue 600000 (10 min) */
  maxDelayMs?: number;
}

/**
 * BullMQ custom backoff: exponential from the job's `backoff.delay`, with full jitter between 0.5×
 * and 1.5×, never sooner than the Retry-After the providers sent, never longer than maxDelayMs.
 */
export function createBackoffStrategy(settings: BackoffSettings = {}) {
  const random = settings.random ?? Math.random;
  const maxDelayMs = settings.maxDelayMs ?? 10 * 60_000;
  return (attemptsMade: number, type?: string, error?: Error, job?: MinimalJob): number => {
    if (type !== backoffType) return 0;
    const base = (job?.opts.backoff as BackoffOptions | undefined)?.delay ?? 1_000;
    const exponential = base * 2 ** Math.max(0, attemptsMade - 1);
    const jittered = Math.round(exponential * (0.5 + random()));
    const retryAfter = RetryableJobError.is(error) ? (error.retryAfterMs ?? 0) : 0;
    return Math.min(maxDelayMs, Math.max(jittered, retryAfter));
  };
}
