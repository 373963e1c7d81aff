import type { Attempt } from '../contract/attempt.js';
import type { CompletionResult } from '../providers/completion.js';

/**
 * Where a Breakwater batch is. `submitting`: claimed from the collection, being uploaded and created
 * (a worker that dies here leaves it for another, which finds the provider batch again first);
 * `in-progress`: the provider runs it; `applying`: ended, its results being handed to its jobs.
 */
export type BatchStatus =
  | 'submitting'
  | 'in-progress'
  | 'applying'
  | 'ended'
  | 'failed'
  | 'expired'
  | 'cancelled';

export const batchStatuses: readonly BatchStatus[] = [
  'submitting',
  'in-progress',
  'applying',
  'ended',
  'failed',
  'expired',
  'cancelled',
];

/** One batch as Redis keeps it and `GET /v1/batches/:id` shows it. */
export interface BatchRecord {
  id: string;
  provider: string;
  model: string;
  status: BatchStatus;
  /** The provider's own id, once created. */
  providerBatchId?: string;
  createdAt: number;
  submittedAt?: number;
  endedAt?: number;
  /** Why the batch failed as a whole. */
  reason?: string;
  total: number;
  succeeded: number;
  errored: number;
  expired: number;
  /** USD of the items served, at the batch price. */
  costUsd: number;
  /** What the same items cost at list price. */
  listCostUsd: number;
  /** While in progress: when the provider is asked again. */
  nextPollAt?: number;
  /** While applying: how the provider batch ended. */
  ending?: Extract<BatchStatus, 'ended' | 'expired' | 'cancelled'>;
}

/**
 * How a job's batch entry came out, kept on the job's batch record until the job runs again:
 * an answer (the job completes with it), or a failed attempt of the entry (the chain goes on).
 */
export type ItemOutcome =
  | { kind: 'ok'; batchId: string; result: CompletionResult; submittedAt: number; endedAt: number }
  | { kind: 'failed'; batchId?: string; attempt: Attempt };

/** A job's place in the batch machinery (its `batchJob` hash). */
export interface JobBatchState {
  provider: string;
  model: string;
  /** The chain entry that sent it. */
  index: number;
  joinedAt: number;
  /** The batch that took it, once claimed. */
  batchId?: string;
  outcome?: ItemOutcome;
}
