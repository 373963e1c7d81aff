import type { ProviderErrorCode } from '../providers/provider-error.js';

/** What happened at one entry of a chain during one walk. */
export type AttemptOutcome = 'ok' | 'retryable' | 'auth' | 'rejected' | 'skipped-open';

export interface AttemptRecord {
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  /** When the attempt started (epoch ms). */
  at: number;
  /** How long it took; 0 for a skipped entry. */
  ms: number;
  /** Why it failed or was skipped; absent on success. */
  error?: string;
  code?: ProviderErrorCode;
  status?: number;
  /** How long the provider asked us to wait, when it said. */
  retryAfterMs?: number;
}
