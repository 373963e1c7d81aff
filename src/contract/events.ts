export type JobEventName =
  | 'queued'
  | 'active'
  | 'completed'
  | 'failed'
  | 'deferred'
  | 'delayed'
  | 'removed'
  | 'stalled';

/** A job's lifecycle step, from whichever process made it. */
export interface JobEvent {
  type: 'job';
  event: JobEventName;
  jobId: string;
  at: string;
  /** deferred, delayed: when the job runs again. */
  until?: string;
  /** deferred: which providers were open; failed: the error. */
  reason?: string;
  /** completed: who served it and what it cost. */
  provider?: string;
  model?: string;
  costUsd?: number | null;
}

/** A provider's fleet breaker changed state (a worker tripped it, a probe closed it, a person did). */
export interface BreakerEvent {
  type: 'breaker';
  provider: string;
  state: 'open' | 'closed';
  at: string;
  /** While open: when a probe is admitted; absent: until closed by hand. */
  until?: string;
  reason?: string;
  /** The process that made the change. */
  worker: string;
  manual?: { by: string; reason: string };
}

/** What `/v1/events` streams. */
export type BreakwaterEvent = JobEvent | BreakerEvent;

/** Job events after which a job is finished, or gone. */
export const finalJobEvents: ReadonlySet<JobEventName> = new Set(['completed', 'failed', 'removed']);
