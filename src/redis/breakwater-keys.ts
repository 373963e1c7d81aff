import { delayedKeyOf } from '../queue/bullmq-internals.js';

/**
 * Every key Breakwater writes beside a queue, built in one place from the queue's key (`bull:{<queue>}`):
 * they live under it, so removing the queue removes them, and one queue's keys never meet another's.
 */
export class BreakwaterKeys {
  readonly #root: string;

  /** @param queueKey the queue's qualified name, e.g. `bull:{breakwater}`: its hash tag puts every key below on the queue's one cluster slot */
  constructor(readonly queueKey: string) {
    this.#root = `${queueKey}:breakwater`;
  }

  /** The queue's own delayed set (BullMQ's): a deferred job is one still in it. */
  get delayed(): string {
    return delayedKeyOf(this.queueKey);
  }

  /** Hash: one breaker record per provider. */
  get fleet(): string {
    return `${this.#root}:fleet`;
  }

  /** Pub/sub channel: every change of a record, as it is made. */
  get fleetChannel(): string {
    return `${this.#root}:fleet-events`;
  }

  /** Set: workers whose breakers tripped on the provider within the window (the quorum). */
  trips(provider: string): string {
    return `${this.#root}:trips:${provider}`;
  }

  /** String: the worker holding the provider's half-open probe lease. */
  probe(provider: string): string {
    return `${this.#root}:probe:${provider}`;
  }

  /** Counter: failed calls to the provider fleet-wide within the window. */
  failures(provider: string): string {
    return `${this.#root}:failures:${provider}`;
  }

  /** Sorted set: jobs deferred with the provider in their chain, by probe time. */
  deferred(provider: string): string {
    return `${this.#root}:deferred:${provider}`;
  }

  /** String: the lease of the one worker waking deferred jobs for a moment (`lease`). */
  wake(provider: string, lease: string): string {
    return `${this.#root}:wake:${provider}:${lease}`;
  }

  /** Hash: the fleet's call, token and cost totals. */
  get stats(): string {
    return `${this.#root}:stats`;
  }

  /**
   * Hash: one bucket of a limit scope (`provider:openai`, `model:openai/gpt-4.1`, `tenant:acme`) and
   * unit: its level, what the provider reported, and a block (a 429, an exhausted quota).
   */
  limit(scope: string, unit: 'requests' | 'tokens'): string {
    return `${this.#root}:limit:${scope}:${unit}`;
  }

  /** Sorted set: calls in flight in a scope, by when their slot is taken back if never released. */
  inflight(scope: string): string {
    return `${this.#root}:inflight:${scope}`;
  }

  /** String: USD spent (and reserved) by a budget in the window starting at `windowStart`. */
  budget(name: string, windowStart: number): string {
    return `${this.#root}:budget:${name}:${windowStart}`;
  }

  /** String: the next free wait slot of a limit, so waiting jobs come back one after another. */
  waitSlot(limitKey: string): string {
    return `${limitKey}:slot`;
  }

  /** Sorted set: jobs waiting for capacity under a limit, by when they run again. */
  get limitWaiting(): string {
    return `${this.#root}:limit-waiting`;
  }

  /** Prefix of the API's rate-limit counters. */
  get rateLimit(): string {
    return `${this.#root}:rate`;
  }
}
