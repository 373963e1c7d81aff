import type { BatchView, JobBatch } from '../contract/batch.js';
import type { BatchRecord } from './batch-record.js';
import type { BatchStore } from './batch-store.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A batch record as the API shows it. */
export function batchView(record: BatchRecord): BatchView {
  const submittedAt = iso(record.submittedAt);
  const endedAt = iso(record.endedAt);
  return {
    id: record.id,
    provider: record.provider,
    model: record.model,
    status: record.status,
    ...(record.providerBatchId === undefined ? {} : { providerBatchId: record.providerBatchId }),
    counts: {
      total: record.total,
      succeeded: record.succeeded,
      errored: record.errored,
      expired: record.expired,
    },
    createdAt: new Date(record.createdAt).toISOString(),
    ...(submittedAt === undefined ? {} : { submittedAt }),
    ...(endedAt === undefined ? {} : { endedAt }),
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    costUsd: record.costUsd,
    savedUsd: Math.round((record.listCostUsd - record.costUsd) * 1e9) / 1e9,
  };
}

/** A batched job's batch: its record's status once a batch took it, else `collecting`. */
export async function jobBatchOf(store: BatchStore, jobId: string): Promise<JobBatch | undefined> {
  const state = await store.jobState(jobId);
  if (!state) return undefined;
  const record = state.batchId === undefined ? undefined : await store.record(state.batchId);
  if (!record) return { provider: state.provider, model: state.model, status: 'collecting' };
  const submittedAt = iso(record.submittedAt);
  return {
    id: record.id,
    provider: record.provider,
    model: record.model,
    ...(submittedAt === undefined ? {} : { submittedAt }),
    status: record.status,
  };
}
