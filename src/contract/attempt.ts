/** What happened at one entry of a chain during one run. */
export type AttemptOutcome =
  | 'ok'
  | 'retryable'
  | 'auth'
  | 'rejected'
  /** The provider answered 429: a limit, not an outage (not counted against its breaker). */
  | 'limited'
  /** The provider's quota or credit is exhausted (not counted against its breaker). */
  | 'quota'
  /** A structured answer that is not JSON, misses the schema or was cut off (not counted against its breaker). */
  | 'invalid-output'
  | 'skipped-open'
  /** No capacity (rate limit, concurrency, quota, budget): not called. */
  | 'skipped-limit'
  /** Raced or hedged, and another entry answered first: aborted (or its late answer discarded). */
  | 'lost-race';

/**
 * One call (or skip) of a chain entry. The one shape of an attempt: in a job's result, in its
 * timeline (with `event: 'attempt'`) and in the record of its last deferral.
 */
export interface Attempt {
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  /** When the call started, or the entry was skipped (ISO 8601). */
  at: string;
  /** How long the call took; 0 for a skipped entry. */
  durationMs: number;
  /**
   * The provider error class (`rate-limited`, `timeout`, `server-error`…); for a skip, `breaker-open`
   * or the limit that had no capacity (`rate-limit`, `concurrency`, `quota`, `budget`).
   */
  errorClass?: string;
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** Why it failed or was skipped; absent on success. */
  error?: string;
  /** How long the provider asked us to wait, when it said. */
  retryAfterMs?: number;
  /** The call that served the job: its tokens and USD (null when unknown or unpriced). */
  inputTokens?: number | null;
  outputTokens?: number | null;
  costUsd?: number | null;
}
