import { setTimeout as delay } from 'node:timers/promises';
import type { BreakwaterEvent, FinishedState, JobState, JobView } from '../contract/index.js';
import { finalJobEvents } from '../contract/index.js';
import { BreakwaterApiError } from './breakwater-api-error.js';
import type { EventSubscription, SubscribeOptions } from './event-subscription.js';

/** A job removed (cancelled, or cleaned up) while it was waited for. */
export interface GoneJob {
  id: string;
  state: 'gone';
}

/** A job that will not change any more: completed, failed, or gone. */
export type EndedJob = (JobView & { state: FinishedState }) | GoneJob;

export interface WaitOptions {
  /**
   * Time between reads when the live event stream cannot be used (a proxy without WebSockets);
   * with it, a job is read again as soon as it finishes, and every pending job only every 10 s as a
   * safety net. @defaultValue 500
   */
  intervalMs?: number;
  /** Give up (BreakwaterApiError code `timeout`) after this long. @defaultValue no limit */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Jobs read at once in a sweep. @defaultValue 16 */
  concurrency?: number;
}

/** What the wait loop needs of the client. */
export interface JobReader {
  get(id: string, signal?: AbortSignal): Promise<JobView>;
  events(onEvent: (event: BreakwaterEvent) => void, options?: SubscribeOptions): Promise<EventSubscription>;
}

/** With the event stream, how often every pending job is still read, in case an event was missed. */
const safetySweepMs = 10_000;

/**
 * Yields each job as it ends, in the order they end. A job is read again the moment `/v1/events`
 * says it finished; every pending job is read on start and then every 10 s as a safety net — or every
 * `intervalMs` where the stream is unavailable or drops. Deferred jobs are simply waited for.
 */
export async function* waitForJobs(
  reader: JobReader,
  ids: Iterable<string>,
  options: WaitOptions = {},
): AsyncGenerator<EndedJob, void, undefined> {
  const pending = new Set(ids);
  if (pending.size === 0) return;
  const interval = options.intervalMs ?? 500;
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const endedNow = new Set<string>();
  let wake: () => void = () => undefined;
  const [only] = pending.size === 1 ? pending : [];
  const subscription = await reader
    .events(
      (event) => {
        if (event.type !== 'job' || !finalJobEvents.has(event.event) || !pending.has(event.jobId)) return;
        endedNow.add(event.jobId);
        wake();
      },
      {
        ...(only === undefined ? {} : { jobId: only }),
        timeoutMs: Math.max(1, Math.min(10_000, deadline - Date.now())),
      },
    )
    .catch(() => undefined);
  // A stream that drops mid-wait hands over to polling at once.
  let live = subscription !== undefined;
  void subscription?.closed.then(() => {
    live = false;
    wake();
  });
  const sweepEveryMs = () => (live ? Math.max(interval, safetySweepMs) : interval);
  const lastState = new Map<string, JobState>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  try {
    while (pending.size > 0) {
      const now = Date.now();
      const sweep = now - lastSweep >= sweepEveryMs() || now >= deadline;
      if (sweep) lastSweep = now;
      const toRead = sweep ? [...pending] : [...endedNow].filter((id) => pending.has(id));
      endedNow.clear();
      const views = await mapLimited(toRead, options.concurrency ?? 16, (id) =>
        lookUp(reader, id, options.signal),
      );
      for (const view of views) {
        if (view.state === 'completed' || view.state === 'failed' || view.state === 'gone') {
          pending.delete(view.id);
          yield view as EndedJob;
        } else {
          lastState.set(view.id, view.state);
        }
      }
      if (pending.size === 0 || endedNow.size > 0) continue;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timedOut(pending, lastState, options.timeoutMs);
      // Until an event says a job ended, or the next sweep is due; an abort ends it too.
      const early = new AbortController();
      wake = () => early.abort();
      const signals = options.signal ? [early.signal, options.signal] : [early.signal];
      const pause = Math.min(remaining, Math.max(0, lastSweep + sweepEveryMs() - Date.now()));
      await delay(pause, undefined, { signal: AbortSignal.any(signals) }).catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
      });
      wake = () => undefined;
    }
  } finally {
    subscription?.close();
  }
}

/** A job that was cancelled or removed meanwhile is gone, not a reason to stop waiting for the rest. */
async function lookUp(
  reader: JobReader,
  id: string,
  signal: AbortSignal | undefined,
): Promise<JobView | GoneJob> {
  try {
    return await reader.get(id, signal);
  } catch (error) {
    if (BreakwaterApiError.is(error) && error.status === 404) return { id, state: 'gone' };
    throw error;
  }
}

function timedOut(
  pending: ReadonlySet<string>,
  lastState: ReadonlyMap<string, JobState>,
  timeoutMs: number | undefined,
): BreakwaterApiError {
  const [first] = pending;
  const message =
    pending.size === 1 && first !== undefined
      ? `job ${first} is still ${lastState.get(first) ?? 'unfinished'} after ${timeoutMs} ms`
      : `${pending.size} jobs are still unfinished after ${timeoutMs} ms`;
  return new BreakwaterApiError(0, 'timeout', message);
}

async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}
