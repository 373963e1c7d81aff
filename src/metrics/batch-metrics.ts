import { Counter, Gauge, type Registry } from 'prom-client';
import type { BatchStore } from '../batch/batch-store.js';

/** Fleet-wide batch figures, read from Redis at scrape time. */
export function registerBatchMetrics(registry: Registry, store: BatchStore): void {
  new Gauge({
    name: 'breakwater_batches',
    help: 'Provider batches by status: open ones (submitting, in-progress, applying) now, finished ones in total.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const [open, totals] = await Promise.all([store.openByStatus(), store.totals()]);
      this.reset();
      for (const [status, count] of Object.entries({ ...totals.finished, ...open }))
        this.set({ status }, count);
    },
  });
  new Counter({
    name: 'breakwater_batched_jobs_total',
    help: 'Jobs sent in provider batches.',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc((await store.totals()).jobsBatched);
    },
  });
  new Counter({
    name: 'breakwater_batch_saved_usd_total',
    help: 'USD saved by batches against list price (priced models only).',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc(Math.max(0, (await store.totals()).savedUsd));
    },
  });
}
