import type { QueueEvents } from 'bullmq';
import { readProgress } from '../queue/deferral.js';
import type { JobEvent, JobEventName } from './breakwater-event.js';

/** BullMQ's stream ids start with the time the event was written. */
function streamTime(id: string): string {
  const ms = Number(id.split('-')[0]);
  return new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString();
}

const iso = (ms: unknown) =>
  typeof ms === 'number' || typeof ms === 'string' ? new Date(Number(ms)).toISOString() : undefined;

/**
 * Turns BullMQ's queue events into Breakwater's job events. A deferral is written as progress (its
 * until and reason) and then a delay to the same time: it is reported once, as `deferred`.
 */
export class JobEventMapper {
  /** Jobs whose deferral was just reported, with its due time, so the delay that follows is not. */
  readonly #deferred = new Map<string, number>();

  constructor(private readonly emit: (event: JobEvent) => void) {}

  listen(events: QueueEvents): void {
    const job = (event: JobEventName, jobId: string, id: string, extra: Partial<JobEvent> = {}) =>
      this.emit({ type: 'job', event, jobId, at: streamTime(id), ...extra });
    events.on('added', ({ jobId }, id) => job('queued', jobId, id));
    events.on('active', ({ jobId }, id) => job('active', jobId, id));
    events.on('stalled', ({ jobId }, id) => job('stalled', jobId, id));
    events.on('removed', ({ jobId }, id) => job('removed', jobId, id));
    events.on('failed', ({ jobId, failedReason }, id) => job('failed', jobId, id, { reason: failedReason }));
    events.on('completed', ({ jobId, returnvalue }, id) => job('completed', jobId, id, served(returnvalue)));
    events.on('progress', ({ jobId, data }, id) => {
      const progress = readProgress(data);
      if (progress.deferredUntil === undefined) return;
      this.#remember(jobId, progress.deferredUntil);
      const until = iso(progress.deferredUntil);
      job('deferred', jobId, id, {
        ...(until ? { until } : {}),
        ...(progress.reason ? { reason: progress.reason } : {}),
      });
    });
    events.on('delayed', ({ jobId, delay }, id) => {
      const due = Number(delay);
      if (this.#deferred.get(jobId) === due) {
        this.#deferred.delete(jobId);
        return;
      }
      const until = iso(due);
      job('delayed', jobId, id, until ? { until } : {});
    });
  }

  #remember(jobId: string, due: number): void {
    this.#deferred.set(jobId, due);
    // Bounded: a delay event that never came must not keep its job here for ever.
    if (this.#deferred.size > 10_000) {
      const oldest = this.#deferred.keys().next().value;
      if (oldest !== undefined) this.#deferred.delete(oldest);
    }
  }
}

function served(returnvalue: unknown): Partial<JobEvent> {
  try {
    const value = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as Record<
      string,
      unknown
    >;
    return {
      ...(typeof value.provider === 'string' ? { provider: value.provider } : {}),
      ...(typeof value.model === 'string' ? { model: value.model } : {}),
      ...(typeof value.costUsd === 'number' || value.costUsd === null
        ? { costUsd: value.costUsd as number | null }
        : {}),
    };
  } catch {
    return {};
  }
}
