import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logging/logger.js';
import type { FleetRecord } from './fleet-record.js';
import type { FleetStore } from './fleet-store.js';

export interface FleetWakerOptions {
  store: Pick<FleetStore, 'takeDeferred'>;
  /** Moves a delayed job to waiting now; false when it is no longer delayed. */
  promote: (jobId: string) => Promise<boolean>;
  /** Whether the provider is open again: the ramp stops rather than re-trip it. */
  isOpen: (provider: string) => boolean;
  /** Time between the ramp's batches. */
  rampIntervalMs: number;
  /** Largest batch the ramp doubles up to. */
  rampMaxBatch: number;
  logger: Logger;
  now?: () => number;
}

const leaseMs = 60_000;

/**
 * Wakes deferred jobs instead of leaving them to their own (late) timers. When a provider's open
 * period ends, one deferred job is woken fleet-wide to carry the probe. When the provider closes,
 * the jobs deferred on it are released in a ramp — 1, 2, 4, 8… per interval — by one worker, so a
 * fragile provider is not re-tripped by the whole backlog at once.
 */
export class FleetWaker {
  readonly #options: FleetWakerOptions;
  readonly #now: () => number;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #ramping = new Set<string>();
  #closed = false;

  constructor(options: FleetWakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Follows the fleet's state of a provider. */
  observe(provider: string, record: FleetRecord): void {
    clearTimeout(this.#timers.get(provider));
    this.#timers.delete(provider);
    if (this.#closed) return;
    if (record.state === 'open' && record.until !== undefined) {
      const until = record.until;
      const timer = setTimeout(
        () => this.#wakeProbeCarrier(provider, until),
        Math.max(0, until - this.#now()),
      );
      timer.unref();
      this.#timers.set(provider, timer);
    } else if (record.state === 'closed') {
      this.#ramp(provider, record.since).catch((error: unknown) =>
        this.#options.logger.warn({ err: error, provider }, 'could not wake deferred jobs'),
      );
    }
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** One job, fleet-wide, wakes when the open period ends: its call is the probe. */
  async #wakeProbeCarrier(provider: string, until: number): Promise<void> {
    // Ids of jobs that already ran (woken under another provider, or by their own timers) are skipped.
    for (let tries = 0; tries < 20 && !this.#closed; tries++) {
      const ids = await this.#options.store
        .takeDeferred(provider, `probe-${until}`, leaseMs, 1)
        .catch(() => []);
      const [id] = ids ?? [];
      if (id === undefined) return;
      if (await this.#options.promote(id)) return;
    }
  }

  async #ramp(provider: string, since: number): Promise<void> {
    if (this.#ramping.has(provider)) return;
    this.#ramping.add(provider);
    let batch = 1;
    let woken = 0;
    try {
      while (!this.#closed && !this.#options.isOpen(provider)) {
        const ids = await this.#options.store.takeDeferred(provider, `ramp-${since}`, leaseMs, batch);
        if (!ids || ids.length === 0) break;
        const promoted = await Promise.all(ids.map((id) => this.#options.promote(id)));
        woken += promoted.filter(Boolean).length;
        batch = Math.min(batch * 2, this.#options.rampMaxBatch);
        await delay(this.#options.rampIntervalMs);
      }
    } finally {
      this.#ramping.delete(provider);
    }
    if (woken > 0)
      this.#options.logger.info({ provider, woken }, 'deferred jobs woken: the provider recovered');
  }
}
