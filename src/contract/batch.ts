/**
 * Where a provider batch is. submitting: being uploaded and created; in-progress: the provider runs
 * it; applying: ended, its results being handed to its jobs; ended, failed, expired, cancelled: done.
 */
export type BatchStatus =
  | 'submitting'
  | 'in-progress'
  | 'applying'
  | 'ended'
  | 'failed'
  | 'expired'
  | 'cancelled';

/** A provider batch as `GET /v1/batches` and `/v1/batches/:id` return it. */
export interface BatchView {
  id: string;
  provider: string;
  model: string;
  status: BatchStatus;
  /** The provider's own id, once created. */
  providerBatchId?: string;
  counts: { total: number; succeeded: number; errored: number; expired: number };
  createdAt: string;
  submittedAt?: string;
  endedAt?: string;
  /** Why the batch failed as a whole. */
  reason?: string;
  /** USD of the items served so far, at the batch price. */
  costUsd: number;
  /** What those items would have cost at list price, less what they cost. */
  savedUsd: number;
}

/** What `GET /v1/batches` returns: newest first. */
export interface BatchList {
  batches: BatchView[];
}

/** A batched job's batch (`JobView.batch`); `collecting` until a batch takes it, with no id yet. */
export interface JobBatch {
  id?: string;
  provider: string;
  model: string;
  submittedAt?: string;
  status: BatchStatus | 'collecting';
}
