import type { BatchView } from '../contract/index.js';

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
  const widths =
    rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
