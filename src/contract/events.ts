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

/**
 * Partial text of a job that streams (`stream: true`), as it is generated: the pieces received since
 * the last delta, at most one delta per 100 ms. Concatenated, a call's deltas are its text so far.
 */
export interface JobDeltaEvent {
  type: 'job';
  event: 'delta';
  jobId: string;
  at: string;
  /** Where `text` starts in this call's text (characters), so a missed delta shows. */
  offset: number;
  text: string;
  /** The call generating it. */
  provider: string;
  model: string;
}

/**
 * A streamed call failed midway: the partial text it sent (`voided`) is void. The job goes on with
 * `provider`/`model`, whose deltas start at offset 0 (a next entry of the chain, or, for a race or a
 * hedge, the call still running or the one that won); without them, this run is over (the job is
 * retried, deferred or failed, as its events say).
 */
export interface JobRestartEvent {
  type: 'job';
  event: 'restart';
  jobId: string;
  at: string;
  reason: string;
  /** The call whose text is void. */
  voided: { provider: string; model: string };
  provider?: string;
  model?: string;
}

/** What `/v1/events` streams. */
export type BreakwaterEvent = JobEvent | JobDeltaEvent | JobRestartEvent | BreakerEvent;

/** Job events after which a job is finished, or gone. */
export const finalJobEvents: ReadonlySet<JobEventName | 'delta' | 'restart'> = new Set<
  JobEventName | 'delta' | 'restart'
>(['completed', 'failed', 'removed']);
