import { randomUUID } from 'node:crypto';
import { type ConnectionOptions, Job, Queue, Worker } from 'bullmq';
import type { BatchView } from '../contract/batch.js';
import { bullQueueNameOf } from '../queue/bullmq-internals.js';

/**
 * The queue beside the job queue where each provider batch is one job, for Bull Board: BullMQ's
 * name, in a hash tag of its own (`{breakwater-batches}`) so its keys share one cluster slot.
 */
export function batchQueueName(queueName: string): string {
  return bullQueueNameOf(`${queueName}-batches`);
}

/** A running batch's board job waits this long at most; it is moved on when the batch ends. */
const runningDelayMs = 365 * 86_400_000;

/**
 * Shows provider batches in Bull Board as jobs of their own queue: a running batch is a delayed
 * job whose log tells its story (claimed, submitted, ended), a finished one a completed job whose
 * result is the batch as `GET /v1/batches/:id` shows it. Nothing runs these jobs: a finished batch's
 * job is promoted and completed here by hand, and every call is best effort — the batch records in
 * Redis, not this queue, are what the batches run on.
 */
export class BatchBoard {
  readonly queue: Queue;
  readonly #finisher: Worker;

  constructor(queueName: string, connection: ConnectionOptions) {
    this.queue = new Queue(batchQueueName(queueName), { connection });
    // No processor and no autorun: it only takes finished batches' jobs to complete them.
    this.#finisher = new Worker(batchQueueName(queueName), null, { connection, autorun: false });
    // Best effort: a connection error here is the worker's own, logged there; it must not crash the process.
    this.queue.on('error', () => undefined);
    this.#finisher.on('error', () => undefined);
  }

  async opened(view: BatchView): Promise<void> {
    await this.queue.add(`${view.provider}/${view.model}`, view, {
      jobId: view.id,
      delay: runningDelayMs,
      removeOnComplete: { count: 10_000 },
    });
    await this.log(view.id, `claimed ${view.counts.total} jobs for ${view.provider}/${view.model}`);
  }

  async log(batchId: string, line: string): Promise<void> {
    await Job.addJobLog(this.queue, batchId, line);
  }

  /** Completes the batch's job with the batch as its result. */
  async finished(view: BatchView): Promise<void> {
    const job = await Job.fromId(this.queue, view.id);
    if (!job) return;
    await job.updateData(view);
    await this.log(
      view.id,
      `${view.status}: ${view.counts.succeeded} answered, ${view.counts.errored} errored, ${view.counts.expired} expired; $${view.costUsd} spent, $${view.savedUsd} saved`,
    );
    await job.promote().catch(() => undefined);
    // Only finished batches' jobs are ever waiting: whichever is taken is complete, with its own data.
    for (let taken = 0; taken < 100; taken += 1) {
      const token = randomUUID();
      const next = await this.#finisher.getNextJob(token, { block: false });
      if (!next) return;
      await next.moveToCompleted(next.data, token, false);
    }
  }

  async close(): Promise<void> {
    await this.#finisher.close();
    await this.queue.close();
  }
}
