import type { CompletionRequest, CompletionResult } from '../completion.js';
import type { ProviderError } from '../provider-error.js';

/** One job's request in a provider batch; `customId` names it in the provider's results. */
export interface BatchItem {
  customId: string;
  request: CompletionRequest;
}

/** Where a provider batch is, mapped from each provider's own status values (`raw` keeps theirs). */
export type ProviderBatchStatus =
  | { state: 'in-progress'; raw: string }
  /** Every item ran (answered or errored): the results can be read. */
  | { state: 'ended'; raw: string }
  /** The provider failed the whole batch (validation, an internal failure): no item ran. */
  | { state: 'failed'; raw: string; reason: string }
  /** The completion window passed: items not run are expired; those run can be read. */
  | { state: 'expired'; raw: string }
  | { state: 'cancelled'; raw: string };

/** How one item came out. */
export type BatchItemOutcome =
  | { customId: string; kind: 'ok'; result: CompletionResult }
  /** The provider answered the item with an error, as it would a call. */
  | { customId: string; kind: 'errored'; error: ProviderError }
  | { customId: string; kind: 'expired' }
  | { customId: string; kind: 'cancelled' };

/** A submission that may have reached the provider before its worker died. */
export interface Submission {
  /** The Breakwater batch id the provider batch is tagged with (where the provider keeps a tag). */
  tag: string;
  /** When the batch was claimed (epoch ms, the worker's clock): nothing of it was created before. */
  since: number;
  items: readonly BatchItem[];
}

/** What a look for an already-created provider batch found. */
export type BatchSearch =
  | { kind: 'found'; providerBatchId: string }
  | { kind: 'absent' }
  /** Provider batches that may be this one are still running and show no requests yet. */
  | { kind: 'undecided'; candidates: string[] };

/**
 * One provider's batch API, hand-written over HTTP (one file per wire format). Every failure is a
 * `ProviderError` with the same verdicts and secret scrubbing as a call.
 */
export interface BatchClient {
  readonly provider: string;
  /**
   * The provider batch already created for this submission (a submit that died after creating it),
   * so a retried submit never creates a second one. `undecided` while a batch that may be it cannot
   * be told apart yet: the caller must not submit, and asks again later.
   */
  find(submission: Submission): Promise<BatchSearch>;
  /** Uploads and creates one batch of these items for the model; returns the provider's batch id. */
  submit(tag: string, model: string, items: readonly BatchItem[]): Promise<string>;
  status(batchId: string): Promise<ProviderBatchStatus>;
  /** Each item's outcome, once the batch ended, expired or was cancelled. */
  results(
    batchId: string,
    model: string,
    items: readonly BatchItem[],
    tag: string,
  ): Promise<BatchItemOutcome[]>;
  cancel(batchId: string): Promise<void>;
}
