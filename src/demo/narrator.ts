import type { Availability, BreakerState } from '../resilience/availability.js';
import type { CircuitTransition } from '../resilience/provider-circuit.js';

/** Prints the story: narration lines stamped with the elapsed time, and indented detail lines. */
export class Narrator {
  readonly #write: (line: string) => void;
  readonly #startedAt: number;

  constructor(
    write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    startedAt = Date.now(),
  ) {
    this.#write = write;
    this.#startedAt = startedAt;
  }

  get elapsedMs(): number {
    return Date.now() - this.#startedAt;
  }

  /** `[ 3.2s] text` */
  say(text: string): void {
    this.#write(`${formatElapsed(this.elapsedMs)} ${text}`);
  }

  /** A line under the narration, aligned with its text. */
  detail(text: string): void {
    this.#write(`${' '.repeat(formatElapsed(0).length)} ${text}`);
  }

  /** A line of its own (headings, the summary table). */
  plain(text = ''): void {
    this.#write(text);
  }
}

/** `[ 3.2s]`, widening past 99.9 s. */
export function formatElapsed(ms: number): string {
  return `[${(ms / 1000).toFixed(1).padStart(4)}s]`;
}

export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/**
 * One breaker transition in words, for someone who has never seen a circuit breaker: what it means
 * for the jobs. `previous` is the provider's last state; `others` the other providers of the route.
 */
export function describeTransition(
  transition: CircuitTransition,
  previous: BreakerState | undefined,
  others: ReadonlyArray<{ provider: string; availability: Availability }>,
  now = Date.now(),
): string {
  const name = transition.provider;
  // "breaker open: 529" (the fleet's wording) says nothing the sentence does not already say.
  const cause = transition.reason?.replace(/^(breaker open|probe failed): /, '');
  const reason = cause ? ` (${cause})` : '';
  const wait = transition.until === undefined ? '' : ` for ${formatSeconds(transition.until - now)}`;
  switch (transition.state) {
    case 'open': {
      const usable = others
        // Only a closed provider takes the jobs: a half-open one admits one probe, the rest defer.
        .filter((other) => other.availability.kind === 'closed')
        .map((other) => other.provider);
      const consequence =
        usable.length > 0
          ? `jobs fall back to ${usable.join(', ')}`
          : 'every provider on the route is open: jobs are deferred, not failed';
      if (previous === 'half-open')
        return `${name} probe failed${reason} — breaker open again${wait}; ${consequence}`;
      return `${name} is down${reason} — its breaker opens: no calls to it${wait}; ${consequence}`;
    }
    case 'half-open':
      return `${name} breaker half-open — the next job that reaches ${name} is its probe`;
    case 'closed':
      return previous === undefined
        ? `${name} breaker closed`
        : `${name} probe succeeded — breaker closed, ${name} takes calls again`;
    default:
      throw new Error(`unknown breaker state ${JSON.stringify(transition.state satisfies never)}`);
  }
}
