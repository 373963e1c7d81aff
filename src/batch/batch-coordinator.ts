import type { BreakwaterConfig } from '../config/schema.js';
import { applyBatchResults } from './apply-batch-results.js';
import { flushDue } from './batch-policy.js';
import type { BatchRecord } from './batch-record.js';
import { batchView } from './batch-view.js';
import {
  type BatchCoordinatorDeps,
  type CoordinatorContext,
  coordinatorContext,
} from './coordinator-context.js';
import { pollBatch } from './poll-batch.js';
import { submitBatch } from './submit-batch.js';

export type { BatchCoordinatorDeps } from './coordinator-context.js';

/**
 * Runs in every worker and drives every batch of the fleet, whichever worker collected it: submits
 * a collection when it is due, polls running batches, and hands each ended batch's results to its
 * jobs. Every step is leased in Redis and idempotent, so a worker that dies mid-step leaves it for
 * another to redo.
 */
export class BatchCoordinator {
  readonly #deps: BatchCoordinatorDeps;
  readonly #context: CoordinatorContext;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #closed = false;

  constructor(deps: BatchCoordinatorDeps) {
    this.#deps = deps;
    this.#context = coordinatorContext(deps);
  }

  start(): void {
    const tickMs = this.#deps.tickMs ?? defaultTickMs(this.#deps.config);
    this.#timer = setInterval(() => {
      if (this.#tick) return;
      this.#tick = this.tick()
        .catch((error: unknown) =>
          this.#deps.logger.warn({ err: error }, 'batch coordination failed; retried next tick'),
        )
        .finally(() => {
          this.#tick = undefined;
        });
    }, tickMs);
    this.#timer.unref();
  }

  /** Stops ticking and waits for a step in flight. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#tick;
  }

  /** One pass: claim due collections, then advance every open batch. */
  async tick(): Promise<void> {
    const { store } = this.#deps;
    const claimed: string[] = [];
    for (const collection of await store.collections()) {
      const config = this.#context.batchConfig(collection.provider);
      if (!config || !flushDue(collection, this.#context.now(), config)) continue;
      const id = await store.claim(
        collection,
        config,
        this.#deps.worker,
        this.#context.leaseMs(collection.provider),
        this.#context.now(),
      );
      if (id) {
        claimed.push(id);
        const record = await store.record(id);
        if (record) this.#context.show((board) => board.opened(batchView(record)));
      }
    }
    await Promise.all(claimed.map((id) => submitBatch(this.#context, id, true)));
    const open = await store.openBatches();
    await Promise.all(open.filter((id) => !claimed.includes(id)).map((id) => this.#advance(id)));
  }

  async #advance(id: string): Promise<void> {
    if (this.#closed) return;
    const record = await this.#deps.store.record(id);
    if (!record) return;
    switch (record.status) {
      case 'submitting':
        // A retried submit waiting for a provider batch that may be its own to end asks again then.
        if ((record.nextPollAt ?? 0) <= this.#context.now()) await submitBatch(this.#context, id, false);
        return;
      case 'in-progress':
        if ((record.nextPollAt ?? 0) <= this.#context.now())
          await this.#leased(record, () => pollBatch(this.#context, id));
        return;
      case 'applying':
        if ((record.nextPollAt ?? 0) <= this.#context.now())
          await this.#leased(record, () => applyBatchResults(this.#context, id));
        return;
      default:
        // Finished, but still in the open set (a worker died between the two writes).
        return this.#deps.store.finish(id, {});
    }
  }

  async #leased(record: BatchRecord, step: () => Promise<void>): Promise<void> {
    const { store, worker } = this.#deps;
    if (!(await store.lease(record.id, worker, this.#context.leaseMs(record.provider)))) return;
    try {
      await step();
    } finally {
      await store.release(record.id, worker);
    }
  }
}

function defaultTickMs(config: BreakwaterConfig): number {
  const periods = Object.values(config.providers).flatMap((provider) => [
    provider.batch.pollIntervalMs,
    provider.batch.maxWaitMs / 4,
  ]);
  return Math.max(100, Math.min(1_000, ...periods));
}
