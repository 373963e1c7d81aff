import { randomUUID } from 'node:crypto';
import type { AttemptEntry } from '../queue/timeline.js';
import type { JobStats } from '../worker/job-stats.js';
import { latencyBuckets, StatsDelta } from './stats-delta.js';
import { fleetField, type StatsStore } from './stats-store.js';

export interface StatsRecorderOptions {
  store: Pick<StatsStore, 'add'>;
  /**
   * Models counted under their own name; any other is counted as `other`, so jobs naming arbitrary
   * models cannot grow the stats and the metrics' label sets without bound.
   */
  knownModels: ReadonlySet<string>;
  /** How often counts go to Redis. @defaultValue 1000 */
  flushIntervalMs?: number;
  onError?: (error: unknown) => void;
}

interface Batch {
  id: string;
  delta: StatsDelta;
}

/**
 * Counts in memory what a worker's jobs did and adds it to the fleet's totals once per interval, so
 * the cost in Redis is per worker, not per job. A worker killed outright loses at most one interval.
 * Each batch is applied once even when a flush is retried after a timeout (the store remembers its
 * id); while Redis is away, one batch waits for a retry and newer counts gather in the next.
 */
export class StatsRecorder implements JobStats {
  #delta = new StatsDelta();
  /** Sent at least once, outcome unknown: retried as it is, never merged into. */
  #retry: Batch | undefined;
  readonly #store: Pick<StatsStore, 'add'>;
  readonly #knownModels: ReadonlySet<string>;
  readonly #timer: NodeJS.Timeout;
  readonly #onError: (error: unknown) => void;
  readonly #recorder = randomUUID();
  #sequence = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: StatsRecorderOptions) {
    this.#store = options.store;
    this.#knownModels = options.knownModels;
    this.#onError = options.onError ?? (() => undefined);
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  attempt(entry: AttemptEntry): void {
    const { provider } = entry;
    const model = this.#model(entry.model);
    if (entry.outcome === 'skipped-open') {
      this.#delta.count([provider, model, 'skips']);
      return;
    }
    if (entry.outcome === 'skipped-limit') {
      this.#delta.count([provider, model, 'limit-skips']);
      return;
    }
    const ok = entry.outcome === 'ok';
    this.#delta.count([provider, model, `calls:${ok ? 'ok' : (entry.errorClass ?? entry.outcome)}`]);
    // The provider is to blame unless the request itself was refused (the error's own verdict).
    const failed = entry.outcome === 'retryable' || entry.outcome === 'auth';
    if (failed) this.#delta.count([provider, model, 'failures']);
    // A call that lost a race is neither a success nor a failure of the provider's recent rate.
    if (entry.outcome !== 'lost-race') this.#delta.call(provider, failed);
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
    this.#delta.count([provider, this.#model(model), 'fallbacks']);
  }

  deferral(providers: readonly string[]): void {
    for (const provider of providers) this.#delta.count([provider, '', 'deferrals']);
  }

  /** One webhook delivery attempt, by its verdict (delivered, retry, gone, give-up). */
  webhook(outcome: string): void {
    this.#delta.count(fleetField(`webhook:${outcome}`));
  }

  /** A job that looked in the result cache: served (fresh or stale, saving `savedUsd`) or missed. */
  cache(outcome: 'hit' | 'stale' | 'miss', savedUsd = 0): void {
    this.#delta.count(fleetField(`cache:${outcome}`));
    if (savedUsd > 0) this.#delta.add(fleetField('cache:saved-usd'), savedUsd);
  }

  limitWait(providers: readonly string[]): void {
    for (const provider of providers) this.#delta.count([provider, '', 'limit-waits']);
  }

  /** Adds what was counted since the last flush; one flush at a time, in order. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#retry && !(await this.#send(this.#retry))) return;
      this.#retry = undefined;
      if (this.#delta.empty) return;
      const batch = { id: `${this.#recorder}:${this.#sequence++}`, delta: this.#delta };
      this.#delta = new StatsDelta();
      if (!(await this.#send(batch))) this.#retry = batch;
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
    await Promise.race([this.flush().then(() => this.flush()), gaveUp]);
    clearTimeout(timer);
  }

  async #send(batch: Batch): Promise<boolean> {
    try {
      await this.#store.add(batch.delta, batch.id);
      return true;
    } catch (error) {
      this.#onError(error);
      return false;
    }
  }

  #model(model: string): string {
    return this.#knownModels.has(model) ? model : 'other';
  }
}
