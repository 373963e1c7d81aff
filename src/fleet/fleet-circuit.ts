import type { Logger } from '../logging/logger.js';
import type { Availability } from '../resilience/availability.js';
import type { Circuit } from '../resilience/circuit.js';
import {
  type CircuitCall,
  type CircuitTransition,
  countsAgainstProvider,
  type ProviderCircuit,
} from '../resilience/provider-circuit.js';
import { Waiters } from '../resilience/waiters.js';
import { fleetHold } from './fleet-hold.js';
import type { FleetRecord } from './fleet-record.js';
import { type FleetBreakerOptions, failureReport, tripRequest } from './fleet-report.js';
import {
  awaitingHealthProbe,
  type FleetEvent,
  type FleetState,
  fleetAvailability,
  followingLocal,
  nextFleetState,
} from './fleet-state.js';
import type { FleetStore } from './fleet-store.js';
import { type FailedProbe, failedProbeVerdict } from './probe-verdict.js';
import { settleProbe } from './settle-probe.js';

export interface FleetCircuitOptions extends FleetBreakerOptions {
  local: ProviderCircuit;
  store: Pick<FleetStore, 'open' | 'close' | 'acquireProbe' | 'releaseProbe' | 'recordFailure' | 'readOne'>;
  /** How long the probe lease lasts: longer than the probe call may take. */
  probeLeaseMs: number;
  logger: Logger;
  now?: () => number;
  /**
   * The provider has a health probe: its half-open probe is a synthetic request, sent by the prober,
   * never a job. Jobs read it open until the probe has closed it.
   */
  healthProbe?: boolean;
}

/** While a provider with a health probe is half-open, jobs look again this soon (they are woken on close). */
export const healthProbeRecheckMs = 1_000;

/**
 * A provider's circuit shared by the fleet. This process's own breaker still counts its calls; when
 * it trips, the fleet opens everywhere (once `quorum` workers agree). When the open period ends, only
 * the worker holding the probe lease calls the provider; its outcome closes or reopens the breaker
 * in every process. If Redis cannot be reached, the local breaker alone decides. What this process
 * knows of the fleet is one `FleetState`, changed only through `nextFleetState`.
 */
export class FleetCircuit implements Circuit {
  readonly provider: string;
  readonly #local: ProviderCircuit;
  readonly #options: FleetCircuitOptions;
  readonly #now: () => number;
  readonly #probeWaiters = new Waiters();
  #state: FleetState = followingLocal;

  constructor(options: FleetCircuitOptions) {
    this.#local = options.local;
    this.#options = options;
    this.provider = options.local.provider;
    this.#now = options.now ?? Date.now;
    this.#local.onTransition((transition) => this.#share(transition));
  }

  /** Applies a record of the fleet's state (from Redis at startup, or a broadcast). */
  apply(record: FleetRecord): void {
    const before = this.#state;
    this.#transition({ type: 'record', record });
    const hold = fleetHold(before, this.#state, record, this.#now());
    if (hold.kind === 'reset') this.#local.reset('fleet');
    if (hold.kind === 'hold') this.#local.holdUntil(hold.until, hold.reason, 'fleet');
  }

  /** The fleet says this provider is open: a recovery will be broadcast. */
  fleetOpen(): boolean {
    return this.#state.kind !== 'local';
  }

  availability(): Availability {
    const now = this.#now();
    const availability = fleetAvailability(this.#state, now, this.provider, () => this.#local.availability());
    if (!this.#options.healthProbe || this.#state.kind === 'local') return availability;
    return awaitingHealthProbe(availability, this.#state.record, this.provider, now, healthProbeRecheckMs);
  }

  /**
   * Sends the provider's health probe when it is half-open and this worker wins the fleet's probe
   * lease: `successThreshold` synthetic requests in a row close it everywhere; a failure reopens it
   * for another reset period. No job is ever the probe.
   */
  async healthProbe(
    send: () => Promise<unknown>,
    successThreshold: number,
  ): Promise<'not-due' | 'lost' | 'closed' | 'reopened'> {
    const now = this.#now();
    if (this.#state.kind === 'local') return 'not-due';
    const base = fleetAvailability(this.#state, now, this.provider, () => this.#local.availability());
    if (base.kind !== 'half-open') return 'not-due';
    this.#transition({ type: 'probe-won' });
    try {
      const answer = await this.#options.store.acquireProbe(this.provider, this.#options.probeLeaseMs);
      if (!answer.won) {
        this.#transition({ type: 'probe-lost', leaseUntil: this.#now() + answer.leaseMs });
        if (answer.record) this.apply(answer.record);
        return 'lost';
      }
      this.#transition({ type: 'probe-sent' });
      for (let sent = 0; sent < successThreshold; sent++) {
        try {
          await send();
        } catch (error) {
          const verdict = this.#judge(error, 'health probe');
          // Refused or limited, the provider answered: it is up.
          if (verdict.state === 'closed') break;
          await this.#conclude(verdict);
          return verdict.state === 'aborted' ? 'lost' : 'reopened';
        }
      }
      await this.#conclude({ state: 'closed' });
      return 'closed';
    } finally {
      this.#transition({ type: 'probe-ended' });
    }
  }

  async admit(): Promise<Availability> {
    const availability = this.availability();
    if (availability.kind !== 'half-open' || this.#state.kind === 'local') return availability;
    // Taken before the lease is asked for, so this process's other calls wait for the answer.
    this.#transition({ type: 'probe-won' });
    try {
      const answer = await this.#options.store.acquireProbe(this.provider, this.#options.probeLeaseMs);
      if (answer.won) return { kind: 'half-open' };
      this.#transition({ type: 'probe-lost', leaseUntil: this.#now() + answer.leaseMs });
      // The fleet may have moved on (closed, or reopened) without this process hearing of it.
      this.apply(answer.record ?? { state: 'closed', since: this.#now(), worker: 'fleet' });
      return this.availability();
    } catch (error) {
      this.#transition({ type: 'probe-ended' });
      this.#options.logger.warn(
        { err: error, provider: this.provider },
        'fleet unreachable: local breaker decides',
      );
      return this.#local.availability();
    }
  }

  async call<T>(task: () => Promise<T>): Promise<CircuitCall<T>> {
    if (this.#state.kind !== 'probing' || this.#state.step !== 'won') {
      const call = await this.#local.call(task);
      if (call.kind === 'error' && countsAgainstProvider(call.error)) this.#countFailure(call.error);
      return call;
    }
    this.#transition({ type: 'probe-sent' });
    try {
      return await this.#sendProbe(task);
    } finally {
      this.#transition({ type: 'probe-ended' });
    }
  }

  probeSettled(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#state.kind === 'local') return this.#local.probeSettled(maxWaitMs, signal);
    return this.#probeWaiters.wait(maxWaitMs, signal);
  }

  hold(durationMs: number, reason: string): void {
    this.#local.hold(durationMs, reason);
  }

  onTransition(listener: (transition: CircuitTransition) => void): () => void {
    return this.#local.onTransition(listener);
  }

  stats() {
    return this.#local.stats();
  }

  shutdown(): void {
    this.#local.shutdown();
  }

  #transition(event: FleetEvent): void {
    const next = nextFleetState(this.#state, event);
    if (next === this.#state) return;
    this.#state = next;
    // Whoever waits for a probe looks again: it settled, or the fleet moved on.
    this.#probeWaiters.wakeAll();
  }

  /** The probe goes straight to the provider; its outcome is the fleet's, not one process's. */
  async #sendProbe<T>(task: () => Promise<T>): Promise<CircuitCall<T>> {
    try {
      const value = await task();
      await this.#conclude({ state: 'closed' });
      return { kind: 'ok', value };
    } catch (error) {
      // Aborted: the lease is handed back. Refused: the provider answered, it is up (see failedProbeVerdict).
      await this.#conclude(this.#judge(error, 'probe'));
      return { kind: 'error', error };
    }
  }

  #judge(error: unknown, label: 'probe' | 'health probe'): FailedProbe {
    return failedProbeVerdict(error, {
      label,
      now: this.#now(),
      resetTimeoutMs: this.#options.resetTimeoutMs,
    });
  }

  /** Hands the lease back (the probe was cut off), or records its verdict fleet-wide and applies it here. */
  async #conclude(verdict: FailedProbe): Promise<void> {
    const { store } = this.#options;
    if (verdict.state === 'aborted') {
      await store.releaseProbe(this.provider).catch(() => undefined);
      return;
    }
    this.apply(await settleProbe(store, this.provider, verdict, this.#now()));
  }

  /** Each failure counts fleet-wide, so N workers trip after as many failures as one worker would. */
  #countFailure(error: unknown): void {
    this.#options.store
      .recordFailure(this.provider, failureReport(error, this.#local.stats(), this.#now(), this.#options))
      .catch((failure: unknown) => {
        this.#options.logger.warn(
          { err: failure, provider: this.provider },
          'could not count failure fleet-wide',
        );
      });
  }

  /** This process's breaker tripped (or a Retry-After holds it): open the fleet, quorum permitting. */
  #share(transition: CircuitTransition): void {
    const request = tripRequest(transition, () => this.#local.availability(), this.#options);
    if (!request) return;
    this.#options.store.open(this.provider, request).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, provider: this.provider }, 'could not share breaker state');
    });
  }
}
