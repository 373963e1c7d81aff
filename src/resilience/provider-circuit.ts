import CircuitBreaker from 'opossum';
import type { BreakerConfig } from '../config/schema.js';
import { CallAbortedError } from '../providers/call-aborted-error.js';
import { ProviderError } from '../providers/provider-error.js';
import type { Availability, BreakerState } from './availability.js';

export interface ProviderCircuitOptions {
  provider: string;
  breaker: BreakerConfig;
  /** Longest a Retry-After may hold the provider shut. @defaultValue 600000 (10 min) */
  maxHoldMs?: number;
  now?: () => number;
}

/** The result of one call through the circuit, as data. */
export type CircuitCall<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'error'; error: unknown }
  /** The breaker refused the call without making it (another caller took the half-open probe). */
  | { kind: 'refused' };

export interface CircuitTransition {
  provider: string;
  state: BreakerState;
  /** `local`: this process's own calls caused it; `fleet`: applied from the fleet's shared state. */
  source: 'local' | 'fleet';
  /** When an open circuit will admit a probe (epoch ms). */
  until?: number;
  reason?: string;
}

type Task<T> = () => Promise<T>;

const defaultMaxHoldMs = 10 * 60_000;

/**
 * One provider's circuit: an opossum breaker (its own options object, since opossum writes its
 * defaults into the one it is given) plus a hold that keeps the provider shut for as long as a 429's
 * Retry-After asked, whatever the breaker's own reset says. `rejected` provider errors do not count
 * against the breaker: a bad request must not shut a healthy provider.
 */
export class ProviderCircuit {
  readonly provider: string;
  readonly #breaker: CircuitBreaker<[Task<unknown>], unknown>;
  readonly #resetTimeoutMs: number;
  readonly #maxHoldMs: number;
  readonly #now: () => number;
  readonly #listeners = new Set<(transition: CircuitTransition) => void>();
  readonly #probeWaiters = new Set<() => void>();
  #openedAt = 0;
  #lastFailure = '';
  #heldUntil = 0;
  #holdReason = '';
  /** Set while the fleet's state is applied, so opossum's own events are not reported as local. */
  #applying = false;

  constructor(options: ProviderCircuitOptions) {
    this.provider = options.provider;
    this.#resetTimeoutMs = options.breaker.resetTimeoutMs;
    this.#maxHoldMs = options.maxHoldMs ?? defaultMaxHoldMs;
    this.#now = options.now ?? Date.now;
    this.#breaker = new CircuitBreaker((task: Task<unknown>) => task(), {
      name: options.provider,
      // Timeouts are enforced per call by aborting the request (see the adapter), not by opossum,
      // whose timer would abandon the call and whose abort controller is shared by all calls.
      timeout: false,
      errorThresholdPercentage: options.breaker.errorThresholdPercentage,
      volumeThreshold: options.breaker.volumeThreshold,
      rollingCountTimeout: options.breaker.rollingWindowMs,
      rollingCountBuckets: 10,
      resetTimeout: options.breaker.resetTimeoutMs,
      errorFilter: (error: unknown) => !countsAgainstProvider(error),
    });
    this.#breaker.on('failure', (error: unknown) => {
      this.#lastFailure = describeFailure(error);
    });
    this.#breaker.on('open', () => {
      this.#openedAt = this.#now();
      this.#wakeProbeWaiters();
      if (this.#applying) return;
      this.#emit({
        state: 'open',
        source: 'local',
        until: this.#openedAt + this.#resetTimeoutMs,
        reason: this.#lastFailure,
      });
    });
    this.#breaker.on('halfOpen', () => {
      if (!this.#applying) this.#emit({ state: 'half-open', source: 'local' });
    });
    this.#breaker.on('close', () => {
      this.#wakeProbeWaiters();
      if (!this.#applying) this.#emit({ state: 'closed', source: 'local' });
    });
  }

  availability(): Availability {
    const now = this.#now();
    const breakerUntil = this.#breaker.opened ? Math.max(this.#openedAt + this.#resetTimeoutMs, now + 1) : 0;
    const held = this.#heldUntil > now;
    if (this.#breaker.opened || held) {
      const until = Math.max(breakerUntil, held ? this.#heldUntil : 0);
      const reason =
        held && this.#heldUntil >= breakerUntil ? this.#holdReason : `breaker open: ${this.#lastFailure}`;
      return { kind: 'open', until, reason };
    }
    if (this.#breaker.halfOpen)
      return this.#breaker.pendingClose ? { kind: 'half-open' } : { kind: 'probing' };
    return { kind: 'closed' };
  }

  /** Whether a call may go now. Async so a fleet-wide circuit can take the probe lease here. */
  async admit(): Promise<Availability> {
    return this.availability();
  }

  /**
   * Applies the fleet's shared state: open until `until` (no Retry-After cap: the fleet decided it),
   * whatever this process's own calls say.
   */
  applyOpen(until: number, reason: string): void {
    this.#applying = true;
    try {
      this.#heldUntil = until;
      this.#holdReason = reason;
      this.#breaker.open();
    } finally {
      this.#applying = false;
    }
    this.#wakeProbeWaiters();
    this.#emit({ state: 'open', source: 'fleet', until, reason });
  }

  /** Applies the fleet's shared state: closed, any hold lifted. */
  applyClosed(): void {
    const wasShut = this.#heldUntil > this.#now() || !this.#breaker.closed;
    this.#applying = true;
    try {
      this.#heldUntil = 0;
      this.#breaker.close();
    } finally {
      this.#applying = false;
    }
    this.#wakeProbeWaiters();
    if (wasShut) this.#emit({ state: 'closed', source: 'fleet' });
  }

  /** Runs a task through the breaker. Never throws: the outcome is data. */
  async call<T>(task: Task<T>): Promise<CircuitCall<T>> {
    try {
      const value = (await this.#breaker.fire(task)) as T;
      return { kind: 'ok', value };
    } catch (error) {
      if (CircuitBreaker.isOurError(error as Error)) return { kind: 'refused' };
      this.#holdForRetryAfter(error);
      return { kind: 'error', error };
    }
  }

  /** Wakes callers waiting for a probe: it settled elsewhere (the fleet's probe, a lost lease). */
  probeEnded(): void {
    this.#wakeProbeWaiters();
  }

  /** Resolves when a probe in flight settles (the breaker closes or reopens), or after `maxWaitMs`. */
  probeSettled(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#probeWaiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.#probeWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Shut the provider until `until` at least (Retry-After, maintenance). Bounded by maxHoldMs. */
  hold(durationMs: number, reason: string): void {
    const until = this.#now() + Math.min(Math.max(0, durationMs), this.#maxHoldMs);
    if (until <= this.#heldUntil) return;
    this.#heldUntil = until;
    this.#holdReason = reason;
    this.#emit({ state: 'open', source: 'local', until, reason });
  }

  onTransition(listener: (transition: CircuitTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Rolling-window counts from opossum (calls, failures, successes…), for status and metrics. */
  stats(): { fires: number; failures: number; successes: number } {
    const stats = this.#breaker.stats;
    return { fires: stats.fires, failures: stats.failures, successes: stats.successes };
  }

  shutdown(): void {
    this.#listeners.clear();
    this.#breaker.shutdown();
  }

  #holdForRetryAfter(error: unknown): void {
    if (!ProviderError.is(error) || error.retryAfterMs === undefined || error.verdict === 'rejected') return;
    this.hold(
      error.retryAfterMs,
      `${this.provider} asked to retry after ${Math.ceil(error.retryAfterMs / 1000)} s (${error.status ?? error.code})`,
    );
  }

  #wakeProbeWaiters(): void {
    for (const wake of [...this.#probeWaiters]) wake();
  }

  #emit(transition: Omit<CircuitTransition, 'provider'>): void {
    for (const listener of this.#listeners) listener({ provider: this.provider, ...transition });
  }
}

/** Provider failures count; a `rejected` request and the caller's own abort do not. */
export function countsAgainstProvider(error: unknown): boolean {
  if (ProviderError.is(error)) return error.countsAgainstProvider;
  return !CallAbortedError.is(error);
}

/** A failure in a few words for reasons and logs: `overloaded 503`, `network`. */
export function describeFailure(error: unknown): string {
  if (ProviderError.is(error)) return `${error.code}${error.status ? ` ${error.status}` : ''}`;
  return error instanceof Error ? error.name : 'error';
}
