import type { Queue } from 'bullmq';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import type { ProviderSimulator } from '../simulator/simulator.js';
import type { JobResult } from '../worker/job-result.js';
import { formatSeconds } from './narrator.js';

export interface ProviderCalls {
  provider: string;
  calls: number;
  /** `ok` or an HTTP status → how many calls ended so. */
  outcomes: Record<string, number>;
  /** Jobs this provider completed. */
  served: number;
}

export interface DemoSummary {
  enqueued: number;
  completed: number;
  failed: number;
  /** Deferrals over every job (a job deferred three times counts three). */
  deferrals: number;
  /** Jobs deferred at least once. */
  deferredJobs: number;
  /** Attempts spent on ordinary retries (failures while some breaker was still closed). */
  retries: number;
  fallback: number;
  providers: ProviderCalls[];
  wallTimeMs: number;
}

/** Reads the final numbers from Redis (every job) and the simulator (every call it received). */
export async function collectSummary(
  queue: Queue<JobData, JobResult>,
  simulator: ProviderSimulator,
  providers: readonly string[],
  enqueued: number,
  wallTimeMs: number,
): Promise<DemoSummary> {
  const counts = await queue.getJobCounts('completed', 'failed');
  const jobs = (await queue.getJobs(['completed', 'failed', 'delayed', 'wait', 'active'])).filter(
    (job) => job !== undefined,
  );
  const served = new Map<string, number>();
  let deferrals = 0;
  let deferredJobs = 0;
  let retries = 0;
  let fallback = 0;
  for (const job of jobs) {
    const jobDeferrals = readProgress(job.progress).deferrals;
    deferrals += jobDeferrals;
    if (jobDeferrals > 0) deferredJobs += 1;
    const result = job.returnvalue as JobResult | null | undefined;
    if (!result) continue;
    retries += Math.max(0, job.attemptsMade - 1);
    if (result.fallbackUsed) fallback += 1;
    served.set(result.provider, (served.get(result.provider) ?? 0) + 1);
  }
  return {
    enqueued,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    deferrals,
    deferredJobs,
    retries,
    fallback,
    providers: providers.map((provider) => {
      const stats = simulator.stats(provider);
      return {
        provider,
        calls: stats.calls,
        outcomes: { ...stats.outcomes },
        served: served.get(provider) ?? 0,
      };
    }),
    wallTimeMs,
  };
}

/** The summary as a box-drawn table: metric │ value │ detail. */
export function formatSummary(summary: DemoSummary, speed: number): string[] {
  const rows: [string, string, string][] = [
    ['jobs enqueued', String(summary.enqueued), ''],
    ['jobs completed', String(summary.completed), `of ${summary.enqueued} enqueued`],
    ['jobs failed', String(summary.failed), ''],
    [
      'deferrals',
      String(summary.deferrals),
      `${summary.deferredJobs} jobs deferred at least once; deferring spends no attempt`,
    ],
    ['retries', String(summary.retries), 'attempts spent on failures while a breaker was still closed'],
    ['served by fallback', String(summary.fallback), 'jobs completed by a provider other than the first'],
    ...summary.providers.map((provider): [string, string, string] => [
      `calls to ${provider.provider}`,
      String(provider.calls),
      `${describeOutcomes(provider.outcomes)}; served ${provider.served} jobs`,
    ]),
    ['wall time', formatSeconds(summary.wallTimeMs), `DEMO_SPEED=${speed}`],
  ];
  return table(['metric', 'value', 'detail'], rows);
}

/** `57 ok · 31 × 503` */
export function describeOutcomes(outcomes: Record<string, number>): string {
  const entries = Object.entries(outcomes).sort(([a], [b]) =>
    a === 'ok' ? -1 : b === 'ok' ? 1 : a.localeCompare(b),
  );
  if (entries.length === 0) return 'no calls';
  return entries
    .map(([outcome, count]) => (outcome === 'ok' ? `${count} ok` : `${count} × ${outcome}`))
    .join(' · ');
}

function table(header: [string, string, string], rows: [string, string, string][]): string[] {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const rule = (left: string, middle: string, right: string) =>
    `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`;
  const line = (cells: [string, string, string]) =>
    `│ ${cells.map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(' │ ')} │`;
  return [rule('┌', '┬', '┐'), line(header), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')];
}
