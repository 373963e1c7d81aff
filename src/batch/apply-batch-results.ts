import { batchCostUsd } from '../pricing/batch-cost.js';
import { costUsd } from '../pricing/cost.js';
import type { BatchItemOutcome } from '../providers/batch/batch-client.js';
import { batchItems, customIdOf } from './batch-policy.js';
import type { ItemOutcome } from './batch-record.js';
import type { CoordinatorContext } from './coordinator-context.js';
import { endBatch } from './end-batch.js';
import { handOutcomes } from './hand-outcomes.js';
import { itemOutcome } from './item-outcome.js';

/** Hands each item's outcome to its job and wakes it; repeatable until the batch is marked finished. */
export async function applyBatchResults(context: CoordinatorContext, id: string): Promise<void> {
  const { deps } = context;
  const { store } = deps;
  const record = await store.record(id);
  if (record?.status !== 'applying' || record.providerBatchId === undefined) return;
  const requests = await store.items(id);
  const items = batchItems(requests);
  const jobOf = new Map([...requests.keys()].map((jobId) => [customIdOf(jobId), jobId]));
  let outcomes: BatchItemOutcome[];
  try {
    outcomes = await deps
      .client(record.provider)
      .results(record.providerBatchId, record.model, items, record.id);
  } catch (error) {
    deps.logger.warn({ err: error, batch: id }, 'batch results not read; read again next poll');
    const pollIntervalMs = context.pollIntervalMs(record.provider);
    return store.update(id, { nextPollAt: context.now() + pollIntervalMs });
  }
  const endedAt = context.now();
  const submittedAt = record.submittedAt ?? record.createdAt;
  const tally = { succeeded: 0, errored: 0, expired: 0, costUsd: 0, listCostUsd: 0 };
  const handed: Array<[string, ItemOutcome]> = [];
  for (const outcome of outcomes) {
    const jobId = jobOf.get(outcome.customId);
    if (jobId === undefined) continue;
    const item = itemOutcome(record, outcome, submittedAt, endedAt);
    if (item.kind === 'ok') {
      tally.succeeded += 1;
      tally.costUsd += batchCostUsd(record.model, item.result.usage, deps.config.pricing) ?? 0;
      tally.listCostUsd += costUsd(record.model, item.result.usage, deps.config.pricing) ?? 0;
    } else if (outcome.kind === 'errored') tally.errored += 1;
    else tally.expired += 1;
    handed.push([jobId, item]);
  }
  await handOutcomes(context, handed);
  const finished = {
    ...tally,
    costUsd: Math.round(tally.costUsd * 1e9) / 1e9,
    listCostUsd: Math.round(tally.listCostUsd * 1e9) / 1e9,
    status: record.ending ?? 'ended',
    endedAt,
  } as const;
  await endBatch(context, record, finished);
  deps.logger.info({ batch: id, ...finished }, 'batch ended; its jobs were handed their results');
}
