/** Small statistics for benchmark figures. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export interface BenchRow {
  name: string;
  breakwater: number;
  baseline: number;
  unit: string;
  /** breakwater ÷ baseline, or a count when there is no baseline. */
  ratio: number;
  target: string;
  met: boolean;
  note?: string;
  /** Redis scripts (eval, evalsha, fcall) per job, for the rows that run jobs through a worker. */
  scriptsPerJob?: { breakwater: number; baseline: number };
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'breakwater', 'baseline', 'ratio', 'target', 'met'];
  const lines = rows.map((row) => [
    row.name,
    `${round(row.breakwater)} ${row.unit}`,
    Number.isNaN(row.baseline) ? '—' : `${round(row.baseline)} ${row.unit}`,
    Number.isNaN(row.ratio) ? '—' : `${row.ratio.toFixed(2)}×`,
    row.target,
    row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => line[column]?.length ?? 0)),
  );
  return [header, ...lines]
    .map((line) => line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '))
    .join('\n');
}

function round(value: number): string {
  if (value >= 100) return value.toFixed(0);
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
