import type { Attempt } from '../contract/attempt.js';
import type { BatchItemOutcome } from '../providers/batch/batch-client.js';
import { ProviderError } from '../providers/provider-error.js';
import type { BatchRecord, ItemOutcome } from './batch-record.js';

/**
 * What a provider batch's outcomes mean for its jobs, as pure functions: an answer for the job, or a
 * failed attempt of its batch entry that sends it on down its chain.
 */

/** One item's outcome, kept on its job's batch record until the job runs again. */
export function itemOutcome(
  record: BatchRecord,
  outcome: BatchItemOutcome,
  submittedAt: number,
  endedAt: number,
): ItemOutcome {
  switch (outcome.kind) {
    case 'ok':
      return {
        kind: 'ok',
        batchId: record.id,
        result: { ...outcome.result, latencyMs: Math.max(0, endedAt - submittedAt) },
        submittedAt,
        endedAt,
      };
    case 'errored':
      return {
        kind: 'failed',
        batchId: record.id,
        attempt: batchAttempt(
          record,
          submittedAt,
          {
            outcome: outcome.error.verdict,
            errorClass: outcome.error.code,
            error: outcome.error.message,
            ...(outcome.error.status === undefined ? {} : { status: outcome.error.status }),
          },
          endedAt,
        ),
      };
    case 'expired':
    case 'cancelled':
      return {
        kind: 'failed',
        batchId: record.id,
        attempt: batchAttempt(
          record,
          submittedAt,
          {
            outcome: 'retryable',
            errorClass: `batch-${outcome.kind}`,
            error: `the batch item ${outcome.kind === 'expired' ? 'expired before the provider ran it' : 'was cancelled'}`,
          },
          endedAt,
        ),
      };
    default:
      throw new Error(`unknown item outcome ${JSON.stringify(outcome satisfies never)}`);
  }
}

export function handedLine(outcome: ItemOutcome): string {
  if (outcome.kind === 'ok')
    return `provider batch ${outcome.batchId} answered; the job completes at the batch price`;
  const batch = outcome.batchId === undefined ? 'the provider batch' : `provider batch ${outcome.batchId}`;
  return `${batch} did not serve the job (${outcome.attempt.errorClass ?? outcome.attempt.outcome}); it goes on down its chain`;
}

export function batchAttempt(
  record: BatchRecord,
  startedAt: number,
  failure: Pick<Attempt, 'outcome' | 'errorClass' | 'error' | 'status'>,
  endedAt = startedAt,
): Attempt {
  return {
    provider: record.provider,
    model: record.model,
    at: new Date(startedAt).toISOString(),
    durationMs: Math.max(0, endedAt - startedAt),
    ...failure,
  };
}

export function failedSubmit(
  record: BatchRecord,
  call: { kind: 'refused' } | { kind: 'error'; error: unknown },
  started: number,
  now: number,
): Attempt {
  if (call.kind === 'refused') {
    return batchAttempt(
      record,
      started,
      { outcome: 'skipped-open', errorClass: 'breaker-open', error: 'breaker open' },
      now,
    );
  }
  const error = ProviderError.is(call.error) ? call.error : undefined;
  return batchAttempt(
    record,
    started,
    {
      outcome: error?.verdict ?? 'retryable',
      error: `batch not submitted: ${error?.message ?? String(call.error)}`,
      ...(error ? { errorClass: error.code } : {}),
      ...(error?.status === undefined ? {} : { status: error.status }),
    },
    now,
  );
}
