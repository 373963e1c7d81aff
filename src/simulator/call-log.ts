import type { RecordedImage } from './wire.js';

/** What the simulator saw of one call; keys are never recorded, only whether one was sent. */
export interface RecordedCall {
  at: number;
  wire: 'openai' | 'anthropic' | 'google';
  path: string;
  model: string;
  /**
   * `ok` or the HTTP status sent; `aborted` when the client hung up first; `stream-cut` when a
   * streamed answer was cut off on purpose (`stream.failAfterChunks`).
   */
  outcome: 'ok' | 'aborted' | 'stream-cut' | number;
  hadKey: boolean;
  /** Request headers other than the key-bearing ones. */
  headers: Record<string, string>;
  body: unknown;
  /** Images the request carried, in the wire's own form read back (`source`, `mediaType`, `url`, `bytes`). */
  images?: RecordedImage[];
}

export interface ProviderStats {
  calls: number;
  inFlight: number;
  outcomes: Record<string, number>;
  /** The most recent calls, oldest first (bounded). */
  recent: RecordedCall[];
  /** Arrival times of the most recent calls (bounded), for rate and window assertions. */
  times: number[];
}

const keyHeaders = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);

export function safeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || keyHeaders.has(name)) continue;
    clean[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return clean;
}

/** The header adapters send with each call, so a call made twice for one job is traceable. */
export const jobIdHeader = 'x-breakwater-job-id';

/** How the last call a provider got for a job ended, when that call was answered or cut off. */
type Settled = 'served' | 'cut';

export class CallLog {
  readonly #byProvider = new Map<string, ProviderStats>();
  /** Calls per Breakwater job id, across providers (bounded). */
  readonly #byJob = new Map<string, number>();
  /** Per job and provider, a call that was served or cut off: one more call for it repeats work. */
  readonly #settled = new Map<string, Settled>();
  /** Per job, per provider: calls that repeated one already served or cut off. */
  readonly #repeated = new Map<string, Record<string, number>>();

  constructor(
    private readonly keepRecent = 50,
    private readonly keepTimes = 20_000,
    private readonly keepJobs = 200_000,
  ) {}

  stats(provider: string): ProviderStats {
    let stats = this.#byProvider.get(provider);
    if (!stats) {
      stats = { calls: 0, inFlight: 0, outcomes: {}, recent: [], times: [] };
      this.#byProvider.set(provider, stats);
    }
    return stats;
  }

  providers(): string[] {
    return [...this.#byProvider.keys()];
  }

  started(provider: string, at: number, jobId?: string): void {
    if (jobId !== undefined && (this.#byJob.has(jobId) || this.#byJob.size < this.keepJobs)) {
      this.#byJob.set(jobId, (this.#byJob.get(jobId) ?? 0) + 1);
      // A fallback to another provider, or a retry after the provider failed, is not a repeat.
      if (this.#settled.has(settledKey(jobId, provider))) {
        const repeats = this.#repeated.get(jobId) ?? {};
        repeats[provider] = (repeats[provider] ?? 0) + 1;
        this.#repeated.set(jobId, repeats);
      }
    }
    const stats = this.stats(provider);
    stats.calls += 1;
    stats.inFlight += 1;
    stats.times.push(at);
    if (stats.times.length > this.keepTimes) stats.times.splice(0, stats.times.length - this.keepTimes);
  }

  finished(provider: string, call: RecordedCall): void {
    const stats = this.stats(provider);
    stats.inFlight -= 1;
    const key = String(call.outcome);
    stats.outcomes[key] = (stats.outcomes[key] ?? 0) + 1;
    stats.recent.push(call);
    if (stats.recent.length > this.keepRecent) stats.recent.shift();
    const jobId = call.headers[jobIdHeader];
    if (
      jobId !== undefined &&
      this.#byJob.has(jobId) &&
      (call.outcome === 'ok' || call.outcome === 'aborted')
    ) {
      this.#settled.set(settledKey(jobId, provider), call.outcome === 'ok' ? 'served' : 'cut');
    }
  }

  /** Calls received per job id (the `x-breakwater-job-id` header), every provider counted. */
  callsByJob(): ReadonlyMap<string, number> {
    return this.#byJob;
  }

  /**
   * Jobs whose call ran again at a provider that had already answered it or whose call was cut
   * off (a worker killed mid-call): extra calls per provider. Fallbacks and retries after a
   * provider's failure are the breaker doing its job, not repeats.
   */
  repeatedCalls(): ReadonlyMap<string, Readonly<Record<string, number>>> {
    return this.#repeated;
  }

  reset(): void {
    this.#settled.clear();
    this.#repeated.clear();
    this.#byJob.clear();
    this.#byProvider.clear();
  }
}

function settledKey(jobId: string, provider: string): string {
  return `${jobId}\n${provider}`;
}
