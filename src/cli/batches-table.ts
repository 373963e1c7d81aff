import type { BatchView } from '../contract/index.js';
import { alignedTable } from './aligned-table.js';

/** Batches as an aligned text table: id, provider/model, status, counts, cost, saved, created. */
export function batchesTable(batches: readonly BatchView[]): string {
  if (batches.length === 0) return 'no batches yet\n';
  const rows = [
    ['BATCH', 'MODEL', 'STATUS', 'TOTAL', 'OK', 'ERRORED', 'EXPIRED', 'COST USD', 'SAVED USD', 'CREATED'],
    ...batches.map((batch) => [
      batch.id,
      `${batch.provider}/${batch.model}`,
      batch.status,
      String(batch.counts.total),
      String(batch.counts.succeeded),
      String(batch.counts.errored),
      String(batch.counts.expired),
      batch.costUsd.toFixed(6),
      batch.savedUsd.toFixed(6),
      batch.createdAt,
    ]),
  ];
  return alignedTable(rows);
}
