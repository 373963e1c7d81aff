import type { DeskBatch } from './batch-desk.js';
import { batchEndpoint, type InputError } from './openai-batch-input.js';

/**
 * A batch as OpenAI's Batch object shows it, with the input file it was created from and, for a
 * batch failed at validation, why.
 */
export function openaiBatchObject(
  batch: DeskBatch,
  inputFileId: string | undefined,
  invalid: InputError | undefined,
) {
  const results = [...(batch.results?.values() ?? [])];
  const succeeded = results.filter((result) => result.kind === 'ok').length;
  const failed = results.length - succeeded;
  const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.floor(ms / 1000));
  const ended = batch.state === 'in_progress' ? undefined : batch.endedAt;
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batchEndpoint,
    errors: invalid ? { object: 'list', data: [{ ...invalid, param: null }] } : null,
    input_file_id: inputFileId ?? null,
    completion_window: '24h',
    status: openaiStatus[batch.state],
    output_file_id: succeeded > 0 ? `file-out-${batch.id}` : null,
    error_file_id: failed > 0 ? `file-err-${batch.id}` : null,
    created_at: seconds(batch.createdAt),
    in_progress_at: invalid ? null : seconds(batch.createdAt),
    expires_at: seconds(batch.createdAt + 86_400_000),
    finalizing_at: batch.state === 'ended' ? seconds(ended) : null,
    completed_at: batch.state === 'ended' ? seconds(ended) : null,
    failed_at: batch.state === 'failed' ? seconds(ended) : null,
    expired_at: batch.state === 'expired' ? seconds(ended) : null,
    cancelling_at: batch.state === 'cancelled' ? seconds(ended) : null,
    cancelled_at: batch.state === 'cancelled' ? seconds(ended) : null,
    request_counts: { total: batch.items.length, completed: succeeded, failed },
    metadata: batch.tag === undefined ? null : (JSON.parse(batch.tag) as unknown),
  };
}

/** A batch's state as OpenAI's Batch object names it. */
const openaiStatus: Readonly<Record<DeskBatch['state'], string>> = {
  in_progress: 'in_progress',
  ended: 'completed',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
};
