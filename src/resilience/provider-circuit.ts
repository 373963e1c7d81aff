import CircuitBreaker from 'opossum';
import type { BreakerConfig } from '../config/schema.js';
import { CallAbortedError } from '../providers/call-aborted-error.js';
import { ProviderError } from '../providers/provider-error.js';
import type { Availability, BreakerState } from './availability.js';
import { Waiters } from './waiters.js';

export interface ProviderCircuitOptions {
  provider: string;
  breaker: Omit<BreakerConfig, 'successThreshold'>;
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
  source: TransitionSource;
  /** When an open circuit will admit a probe (epoch ms). */
  until?: number;
  reason?: string;
}

export type TransitionSource = 'local' | 'fleet';

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
  readonly #probeWaiters = new Waiters();
  #openedAt = 0;
  #lastFailure = '';
  #heldUntil = 0;
  #holdReason = '';
  /** Who is resetting the breaker right now: opossum's own close event is reported as theirs. */
  #resetBy: TransitionSource | undefined;

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
      this.#probeWaiters.wakeAll();
      this.#emit({
        state: 'open',
        source: 'local',
        until: this.#openedAt + this.#resetTimeoutMs,
        reason: this.#lastFailure,
      });
    });
    this.#breaker.on('halfOpen', () => this.#emit({ state: 'half-open', source: 'local' }));
    this.#breaker.on('close', () => {
      this.#probeWaiters.wakeAll();
      this.#emit({ state: 'closed', source: this.#resetBy ?? 'local' });
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
   * Shut until `until` whatever this process's own calls say (no Retry-After cap: the caller, e.g. the
   * fleet, decided it), replacing any hold.
   */
  holdUntil(until: number, reason: string, source: TransitionSource): void {
    if (until === this.#heldUntil && reason === this.#holdReason) return;
    this.#heldUntil = until;
    this.#holdReason = reason;
    this.#probeWaiters.wakeAll();
    this.#emit({ state: 'open', source, until, reason });
  }

  /** Closed again, any hold lifted and the breaker reset (the fleet closed it, a person did). */
  reset(source: TransitionSource): void {
    // Any hold not yet lifted (even one whose time has passed) means the provider was shut.
    const held = this.#heldUntil > 0;
    this.#heldUntil = 0;
    if (!this.#breaker.closed) {
      this.#resetBy = source;
      try {
        this.#breaker.close();
      } finally {
        this.#resetBy = undefined;
      }
    } else if (held) {
      this.#emit({ state: 'closed', source });
    }
    this.#probeWaiters.wakeAll();
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

  /** Resolves when a probe in flight settles (the breaker closes or reopens), or after `maxWaitMs`. */
  probeSettled(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return this.#probeWaiters.wait(maxWaitMs, signal);
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
    // A 429's Retry-After is a limit, held by admission; only a provider failure (503…) holds the breaker.
    if (!ProviderError.is(error) || error.retryAfterMs === undefined || !error.countsAgainstProvider) return;
    this.hold(
      error.retryAfterMs,
      `${this.provider} asked to retry after ${Math.ceil(error.retryAfterMs / 1000)} s (${error.status ?? error.code})`,
    );
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
