import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from '../logging/logger.js';
import { type JobProgress, readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import { RetryableJobError } from '../queue/retryable-job-error.js';
import { deferralEntry, type TimelineEntry, timelineLogEntry } from '../queue/timeline.js';
import type { JobResult } from './job-result.js';
import type { JobStats } from './job-stats.js';
import type { Verdict } from './verdict.js';

export interface DeferralWake {
  /** Whether a recovery of one of these providers will be broadcast (the fleet knows they are open). */
  willWake(providers: readonly string[]): boolean;
  /** Remembers a deferred job under its providers, once it sits in the delayed set. */
  register(jobId: string, providers: readonly string[], probeAt: number): Promise<void>;
  /** Forgets a job that was deferred and runs again, so it no longer counts as deferred. */
  forget(jobId: string, providers: readonly string[]): Promise<void>;
}

/** One run of one job, as the applier needs it. */
export interface Run {
  job: Job<JobData>;
  token: string | undefined;
  /** This run's timeline lines (attempts); empty when nothing is worth keeping beyond the result. */
  timeline: readonly TimelineEntry[];
  /** The job's result, for a `complete` verdict. */
  result: () => JobResult;
  log: () => Logger;
}

export interface ApplyDeps {
  now: () => number;
  wake?: DeferralWake;
  stats?: JobStats;
  /** Called after a deferral: pauses the queue when every provider is open. */
  afterDeferral: () => Promise<void>;
  /** Counts a job waiting for capacity until `until`, for /v1/stats (fleet-wide). */
  noteLimitWait?: (jobId: string, until: number) => Promise<void>;
  /**
   * Records a deferral where dashboards read a job: its due time (Bull Board: created + delay), and
   * no started attempt for it.
   */
  showDueTime?: (job: Job<JobData>, until: number) => Promise<void>;
}

/**
 * Applies a verdict to BullMQ: the one place that moves a job to delayed and throws `DelayedError`,
 * `UnrecoverableError` or a retryable error. The run's timeline goes out first, not awaited on its
 * own: it is sent on the worker's connection ahead of the job's move, in order, without a round trip.
 */
export async function applyVerdict(verdict: Verdict, run: Run, deps: ApplyDeps): Promise<JobResult> {
  switch (verdict.kind) {
    case 'complete':
      void writeTimeline(run, run.timeline);
      return run.result();
    case 'fail':
      void writeTimeline(run, run.timeline);
      throw new UnrecoverableError(verdict.reason);
    case 'retry':
      void writeTimeline(run, run.timeline);
      throw new RetryableJobError(verdict.reason, verdict.retryAfterMs);
    case 'hand-back':
      void writeTimeline(run, run.timeline);
      await run.job.moveToDelayed(deps.now(), run.token);
      throw new DelayedError(verdict.reason);
    case 'defer':
      return defer(verdict, run, deps);
    case 'wait':
      return waitForCapacity(verdict, run, deps);
    default:
      throw new Error(`unknown verdict ${JSON.stringify(verdict satisfies never)}`);
  }
}

async function defer(
  verdict: Extract<Verdict, { kind: 'defer' }>,
  run: Run,
  deps: ApplyDeps,
): Promise<never> {
  const { job } = run;
  const { until, reason, providers } = verdict;
  const deferrals = readProgress(job.progress).deferrals + 1;
  run
    .log()
    .info(
      { deferrals, providers, until: new Date(until).toISOString() },
      'job deferred: every provider open',
    );
  deps.stats?.deferral(providers);
  const lastAttempts = run.timeline.flatMap((entry) => {
    if (entry.event !== 'attempt') return [];
    const { event: _event, ...attempt } = entry;
    return [attempt];
  });
  await putBack(run, deps, {
    until,
    line: deferralEntry(deps.now(), until, reason),
    progress: { deferrals, deferredUntil: until, reason, lastAttempts },
  });
  if (verdict.wakeable) {
    // Registered only now that the job is delayed, so a waker cannot find it still active.
    await deps.wake?.register(String(job.id), providers, verdict.probeAt).catch((error: unknown) => {
      run
        .log()
        .warn({ err: error }, 'deferred job not registered for early wake: its own timer will wake it');
    });
  }
  await deps.afterDeferral();
  throw new DelayedError(`deferred until ${new Date(until).toISOString()}`);
}

/** Back to the delayed set until capacity frees: like a deferral, but no pause and no wake. */
async function waitForCapacity(
  verdict: Extract<Verdict, { kind: 'wait' }>,
  run: Run,
  deps: ApplyDeps,
): Promise<never> {
  const { job } = run;
  const { until, reason, providers } = verdict;
  const progress = readProgress(job.progress);
  const limitWaits = (progress.limitWaits ?? 0) + 1;
  run
    .log()
    .debug({ limitWaits, providers, until: new Date(until).toISOString(), reason }, 'job waits for capacity');
  deps.stats?.limitWait(providers);
  await putBack(run, deps, {
    until,
    line: deferralEntry(deps.now(), until, reason, 'limit'),
    progress: { deferrals: progress.deferrals, limitWaits, deferredUntil: until, reason, cause: 'limit' },
    alongside: deps.noteLimitWait?.(String(job.id), until).catch((error: unknown) => {
      run.log().debug({ err: error }, 'limit wait not counted');
    }),
  });
  throw new DelayedError(`waiting for capacity until ${new Date(until).toISOString()}`);
}

/**
 * Back to the delayed set until `until`, no attempt spent: the timeline line, the progress and the
 * move issued together (one round trip on the shared connection), then the due time shown.
 */
async function putBack(
  run: Run,
  deps: ApplyDeps,
  back: {
    until: number;
    line: TimelineEntry;
    progress: JobProgress | object;
    alongside?: Promise<void> | undefined;
  },
): Promise<void> {
  await Promise.all([
    writeTimeline(run, [...run.timeline, back.line]),
    run.job.updateProgress(back.progress),
    run.job.moveToDelayed(back.until, run.token),
    back.alongside,
  ]);
  await deps.showDueTime?.(run.job, back.until).catch((error: unknown) => {
    run.log().debug({ err: error }, 'due time not shown to dashboards');
  });
}

async function writeTimeline(run: Run, lines: readonly TimelineEntry[]): Promise<void> {
  if (lines.length === 0) return;
  await run.job
    .log(timelineLogEntry(lines))
    .catch((error: unknown) => run.log().warn({ err: error }, 'timeline lines not written'));
}
