import type { Job, Worker } from 'bullmq';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import type { JobResult } from '../worker/job-result.js';

type DemoJob = Job<JobData, JobResult>;

export interface TallyHooks {
  /** A job was deferred (every provider of its chain open); `deferrals` is its count so far. */
  deferred?: (job: DemoJob, deferrals: number) => void;
  completed?: (job: DemoJob, result: JobResult) => void;
  /** A run failed and BullMQ will retry it: an attempt spent. */
  retried?: (job: DemoJob, error: Error) => void;
}

/** Live counts from the worker's own events, for the narration while the story runs. */
export class JobTally {
  completed = 0;
  fallback = 0;
  deferrals = 0;
  retries = 0;
  readonly #served = new Map<string, number>();

  constructor(worker: Worker<JobData, JobResult>, hooks: TallyHooks = {}) {
    worker.on('completed', (job, result) => {
      this.completed += 1;
      if (result.fallbackUsed) this.fallback += 1;
      this.#served.set(result.provider, this.served(result.provider) + 1);
      hooks.completed?.(job, result);
    });
    // The processor records a deferral with updateProgress({ deferrals, ... }) before moving the job to delayed.
    worker.on('progress', (job, progress) => {
      const { deferrals } = readProgress(progress);
      if (deferrals === 0) return;
      this.deferrals += 1;
      hooks.deferred?.(job, deferrals);
    });
    // Emitted for every failed run; a job that will be retried has no finishedOn yet.
    worker.on('failed', (job, error) => {
      if (!job || job.finishedOn !== undefined) return;
      this.retries += 1;
      hooks.retried?.(job, error);
    });
  }

  served(provider: string): number {
    return this.#served.get(provider) ?? 0;
  }

  /** The counts now, to subtract later: what one phase did. */
  mark(): { completed: number; fallback: number; deferrals: number; served: Map<string, number> } {
    return {
      completed: this.completed,
      fallback: this.fallback,
      deferrals: this.deferrals,
      served: new Map(this.#served),
    };
  }
}
