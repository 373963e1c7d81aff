/**
 * Epoch milliseconds as an ISO string, or undefined when no date can show them: a job written by
 * an older producer may carry a delay that lands past the year 275760, and reading it must not throw.
 */
export function isoTime(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
