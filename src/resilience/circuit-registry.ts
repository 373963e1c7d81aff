import type { ProviderConfig } from '../config/schema.js';
import type { Circuit } from './circuit.js';
import { type CircuitTransition, ProviderCircuit } from './provider-circuit.js';

export interface CircuitRegistryOptions {
  providers: Readonly<Record<string, ProviderConfig>>;
  now?: () => number;
  maxHoldMs?: number;
  /** Wraps each process-local circuit, e.g. to share its state with the fleet. */
  wrap?: (local: ProviderCircuit, config: ProviderConfig) => Circuit;
}

/** One circuit per provider name, shared by every route and job in the process. */
export class CircuitRegistry {
  readonly #circuits = new Map<string, Circuit>();

  constructor(options: CircuitRegistryOptions) {
    for (const [provider, config] of Object.entries(options.providers)) {
      const local = new ProviderCircuit({
        provider,
        breaker: { ...config.breaker },
        ...(options.now ? { now: options.now } : {}),
        ...(options.maxHoldMs === undefined ? {} : { maxHoldMs: options.maxHoldMs }),
      });
      this.#circuits.set(provider, options.wrap ? options.wrap(local, config) : local);
    }
  }

  get(provider: string): Circuit {
    const circuit = this.#circuits.get(provider);
    if (!circuit) throw new Error(`no circuit for unknown provider "${provider}"`);
    return circuit;
  }

  all(): Circuit[] {
    return [...this.#circuits.values()];
  }

  /**
   * When every configured provider is open, no job of any route can run: the earliest moment one of
   * them admits a probe. Undefined while any provider can take a call.
   */
  everyProviderOpenUntil(): number | undefined {
    let earliest = Number.POSITIVE_INFINITY;
    for (const circuit of this.#circuits.values()) {
      const availability = circuit.availability();
      if (availability.kind !== 'open') return undefined;
      earliest = Math.min(earliest, availability.until);
    }
    return Number.isFinite(earliest) ? earliest : undefined;
  }

  onTransition(listener: (transition: CircuitTransition) => void): () => void {
    const offs = this.all().map((circuit) => circuit.onTransition(listener));
    return () => {
      for (const off of offs) off();
    };
  }

  shutdown(): void {
    for (const circuit of this.#circuits.values()) circuit.shutdown();
  }
}
