import type { Attempt } from '../contract/attempt.js';
import type { BatchRecord } from './batch-record.js';
import { batchView } from './batch-view.js';
import type { CoordinatorContext } from './coordinator-context.js';
import { handOutcomes } from './hand-outcomes.js';

/** Records a batch's end (off the open set, into the fleet totals), counts it and shows it finished. */
export async function endBatch(
  context: CoordinatorContext,
  record: BatchRecord,
  finished: Partial<Omit<BatchRecord, 'id'>>,
): Promise<void> {
  const { deps } = context;
  await deps.store.finish(record.id, finished);
  deps.onBatchEnd?.({ ...record, ...finished });
  context.show((board) => board.finished(batchView({ ...record, ...finished })));
}

/** Every member of a batch that never ran goes on down its chain with this attempt. */
export async function failBatch(
  context: CoordinatorContext,
  record: BatchRecord,
  reason: string,
  attempt: Attempt,
): Promise<void> {
  const requests = await context.deps.store.items(record.id);
  await handOutcomes(
    context,
    [...requests.keys()].map((jobId) => [jobId, { kind: 'failed', batchId: record.id, attempt }]),
  );
  const finished = { status: 'failed', reason, errored: requests.size, endedAt: context.now() } as const;
  await endBatch(context, record, finished);
}
