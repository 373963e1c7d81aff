import type { BatchClient } from '../providers/batch/batch-client.js';
import { applyBatchResults } from './apply-batch-results.js';
import type { CoordinatorContext } from './coordinator-context.js';
import { failBatch } from './end-batch.js';
import { batchAttempt } from './item-outcome.js';

/**
 * Asks the provider where a running batch is: asked again a poll interval later while it runs, its
 * jobs sent on down their chains when the provider failed it, its results applied once it ended.
 */
export async function pollBatch(context: CoordinatorContext, id: string): Promise<void> {
  const { deps } = context;
  const { store } = deps;
  const record = await store.record(id);
  if (record?.status !== 'in-progress' || record.providerBatchId === undefined) return;
  const pollIntervalMs = context.pollIntervalMs(record.provider);
  let status: Awaited<ReturnType<BatchClient['status']>>;
  try {
    status = await deps.client(record.provider).status(record.providerBatchId);
  } catch (error) {
    deps.logger.warn({ err: error, batch: id }, 'batch status not read; asked again next poll');
    return store.update(id, { nextPollAt: context.now() + pollIntervalMs });
  }
  switch (status.state) {
    case 'in-progress':
      return store.update(id, { nextPollAt: context.now() + pollIntervalMs });
    case 'failed': {
      const attempt = batchAttempt(record, context.now(), {
        outcome: 'retryable',
        errorClass: 'batch-failed',
        error: `the provider failed the batch: ${status.reason}`,
      });
      return failBatch(context, record, status.reason, attempt);
    }
    case 'ended':
    case 'expired':
    case 'cancelled':
      await store.update(id, { status: 'applying', ending: status.state });
      return applyBatchResults(context, id);
    default:
      throw new Error(`unknown batch status ${JSON.stringify(status satisfies never)}`);
  }
}
