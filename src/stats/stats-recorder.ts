import type { AttemptEntry } from '../queue/timeline.js';
import type { JobStats } from '../worker/job-stats.js';
import { latencyBuckets, StatsDelta } from './stats-delta.js';
import type { StatsStore } from './stats-store.js';

export interface StatsRecorderOptions {
  store: Pick<StatsStore, 'add'>;
  /** How often counts go to Redis. @defaultValue 1000 */
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Counts in memory what a worker's jobs did and adds it to the fleet's totals once per interval, so
 * the cost in Redis is per worker, not per job. A worker killed outright loses at most one interval.
 */
export class StatsRecorder implements JobStats {
  #delta = new StatsDelta();
  readonly #store: Pick<StatsStore, 'add'>;
  readonly #timer: NodeJS.Timeout;
  readonly #onError: (error: unknown) => void;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: StatsRecorderOptions) {
    this.#store = options.store;
    this.#onError = options.onError ?? (() => undefined);
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  attempt(entry: AttemptEntry): void {
    const { provider, model } = entry;
    if (entry.outcome === 'skipped-open') {
      this.#delta.count([provider, model, 'skips']);
      return;
    }
    const ok = entry.outcome === 'ok';
    this.#delta.count([provider, model, `calls:${ok ? 'ok' : (entry.errorClass ?? entry.outcome)}`]);
    this.#delta.call(provider, !ok && entry.outcome !== 'rejected');
    const seconds = entry.durationMs / 1000;
    const bucket = latencyBuckets.findIndex((bound) => seconds <= bound);
    this.#delta.count([provider, model, `latency:${bucket === -1 ? latencyBuckets.length : bucket}`]);
    this.#delta.add([provider, model, 'latency-sum'], seconds);
    if (!ok) return;
    if (entry.inputTokens) this.#delta.count([provider, model, 'input-tokens'], entry.inputTokens);
    if (entry.outputTokens) this.#delta.count([provider, model, 'output-tokens'], entry.outputTokens);
    if (entry.costUsd === null || entry.costUsd === undefined)
      this.#delta.count([provider, model, 'unpriced']);
    else if (entry.costUsd > 0) this.#delta.add([provider, model, 'cost-usd'], entry.costUsd);
  }

  fallback(provider: string, model: string): void {
    this.#delta.count([provider, model, 'fallbacks']);
  }

  deferral(providers: readonly string[]): void {
    for (const provider of providers) this.#delta.count([provider, '', 'deferrals']);
  }

  /** Adds what was counted since the last flush; one flush at a time, in order. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const delta = this.#delta;
      if (delta.empty) return;
      this.#delta = new StatsDelta();
      try {
        await this.#store.add(delta);
      } catch (error) {
        // Kept for the next flush: Redis being away for a while loses no counts.
        this.#delta.merge(delta);
        this.#onError(error);
      }
    });
    return this.#flushing;
  }

  /** Stops the timer and flushes what is left, waiting at most `timeoutMs` (Redis may be gone). */
  async close(timeoutMs = 2_000): Promise<void> {
    clearInterval(this.#timer);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.flush(), gaveUp]);
    clearTimeout(timer);
  }
}
