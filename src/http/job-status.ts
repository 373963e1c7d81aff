import type { Job, Queue } from 'bullmq';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import { delayedDueAt } from '../queue/promote-deferred.js';
import { parseTimeline, type TimelineEntry } from '../queue/timeline.js';
import type { JobResult } from '../worker/job-result.js';
import { isoTime } from './iso-time.js';
import type { JobState, JobView } from './schemas.js';

type BreakwaterQueue = Queue<JobData, JobResult>;

/** Where a job is, as users see it; undefined when the id is unknown (or the job was removed). */
export async function jobStatus(queue: BreakwaterQueue, id: string): Promise<JobView | undefined> {
  // State first, then the job: a job that finishes in between is read with its result, never as
  // `completed` without one.
  const bullState = await queue.getJobState(id);
  if (bullState === 'unknown') return undefined;
  const job = await queue.getJob(id);
  if (!job) return undefined;
  const [dueAt, logs] = await Promise.all([
    bullState === 'delayed' ? delayedDueAt(queue, id) : undefined,
    queue.getJobLogs(id),
  ]);
  return viewOf(job, bullState, dueAt, parseTimeline(logs.logs));
}

function viewOf(
  job: Job<JobData, JobResult>,
  bullState: string,
  dueAt: number | undefined,
  timeline: TimelineEntry[],
): JobView {
  const progress = readProgress(job.progress);
  // A deferral moves the job to delayed at exactly `deferredUntil`; any later delay (a retry's
  // backoff) has another due time, so a matching due time is what tells deferred from delayed.
  const deferred = bullState === 'delayed' && dueAt !== undefined && dueAt === progress.deferredUntil;
  const state = deferred ? 'deferred' : publicState(bullState);
  const error = state === 'completed' ? undefined : job.failedReason || undefined;
  const nextAttemptAt = isoTime(dueAt);
  const finishedAt = job.finishedOn ? isoTime(job.finishedOn) : undefined;
  return {
    id: String(job.id),
    state,
    ...(state === 'completed' ? { result: job.returnvalue } : {}),
    ...(error ? { error } : {}),
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    deferrals: progress.deferrals,
    ...(deferred && progress.reason ? { reason: progress.reason } : {}),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    createdAt: isoTime(job.timestamp) ?? new Date(0).toISOString(),
    ...(finishedAt === undefined ? {} : { finishedAt }),
    ...spent(timeline),
    timeline,
  };
}

/** Tokens and USD over every call that returned an answer; cost is null when any of them had no price. */
function spent(timeline: TimelineEntry[]): Pick<JobView, 'usage' | 'costUsd'> {
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd: number | null = 0;
  let calls = 0;
  for (const entry of timeline) {
    if (entry.event !== 'attempt' || entry.outcome !== 'ok') continue;
    calls += 1;
    inputTokens += entry.inputTokens ?? 0;
    outputTokens += entry.outputTokens ?? 0;
    costUsd =
      costUsd === null || entry.costUsd === null || entry.costUsd === undefined
        ? null
        : costUsd + entry.costUsd;
  }
  if (calls === 0) return {};
  return {
    usage: { inputTokens, outputTokens },
    costUsd: costUsd === null ? null : Math.round(costUsd * 1e9) / 1e9,
  };
}

function publicState(bullState: string): JobState {
  switch (bullState) {
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
      return bullState;
    default:
      // waiting, prioritized and waiting-children all mean "queued, not started yet"
      return 'waiting';
  }
}
