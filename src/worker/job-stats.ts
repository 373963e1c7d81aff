import type { AttemptEntry } from '../queue/timeline.js';

/** What the processor reports as it runs jobs; the stats recorder turns it into fleet-wide totals. */
export interface JobStats {
  /** A call (or a skip past an open breaker), with tokens and cost when it served the job. */
  attempt(entry: AttemptEntry): void;
  /** A job served by an entry other than its chain's first. */
  fallback(provider: string, model: string): void;
  /** A job deferred because every provider of its chain (these) was open. */
  deferral(providers: readonly string[]): void;
  /** A job put back to wait for capacity (a rate limit, quota or budget of these providers). */
  limitWait(providers: readonly string[]): void;
}
