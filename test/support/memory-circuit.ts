import type { Availability } from '../../src/resilience/availability.js';
import type { Circuit } from '../../src/resilience/circuit.js';
import type { CircuitCall, CircuitTransition } from '../../src/resilience/provider-circuit.js';

/**
 * A circuit held in memory for unit tests of the chain walk: its availability is whatever the test
 * sets, every call goes through and is counted. No breaker, no timers.
 */
export class MemoryCircuit implements Circuit {
  calls = 0;
  #availability: Availability = { kind: 'closed' };
  constructor(readonly provider: string) {}

  set(availability: Availability): this {
    this.#availability = availability;
    return this;
  }

  availability(): Availability {
    return this.#availability;
  }

  async admit(): Promise<Availability> {
    return this.#availability;
  }

  async call<T>(task: () => Promise<T>): Promise<CircuitCall<T>> {
    this.calls += 1;
    try {
      return { kind: 'ok', value: await task() };
    } catch (error) {
      return { kind: 'error', error };
    }
  }

  async probeSettled(): Promise<void> {}
  hold(): void {}
  onTransition(_listener: (transition: CircuitTransition) => void): () => void {
    return () => undefined;
  }
  stats() {
    return { fires: this.calls, failures: 0, successes: 0 };
  }
  shutdown(): void {}
}

/** One MemoryCircuit per provider name, as `walkChain` looks them up. */
export function memoryCircuits(...providers: string[]) {
  const circuits = new Map(providers.map((provider) => [provider, new MemoryCircuit(provider)]));
  return {
    circuits,
    get(provider: string): MemoryCircuit {
      const circuit = circuits.get(provider);
      if (!circuit) throw new Error(`no circuit ${provider}`);
      return circuit;
    },
  };
}
