import type { Availability } from './availability.js';
import type { CircuitCall, CircuitTransition } from './provider-circuit.js';

/** What the chain walk, the processor and the status code need of a provider's circuit. */
export interface Circuit {
  readonly provider: string;
  /** Whether a call may go now, synchronously (status, deferral times). */
  availability(): Availability;
  /** Whether a call may go now; may take the fleet's probe lease. */
  admit(): Promise<Availability>;
  /** Runs a call through the circuit. Never throws: the outcome is data. */
  call<T>(task: () => Promise<T>): Promise<CircuitCall<T>>;
  /** Resolves when a probe in flight settles, or after `maxWaitMs`. */
  probeSettled(maxWaitMs: number, signal?: AbortSignal): Promise<void>;
  /** Shut the provider for at least this long (Retry-After). */
  hold(durationMs: number, reason: string): void;
  onTransition(listener: (transition: CircuitTransition) => void): () => void;
  stats(): { fires: number; failures: number; successes: number };
  shutdown(): void;
}
