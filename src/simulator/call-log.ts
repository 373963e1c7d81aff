/** What the simulator saw of one call; keys are never recorded, only whether one was sent. */
export interface RecordedCall {
  at: number;
  wire: 'openai' | 'anthropic' | 'google';
  path: string;
  model: string;
  /** `ok` or the HTTP status sent; `aborted` when the client hung up first. */
  outcome: 'ok' | 'aborted' | number;
  hadKey: boolean;
  /** Request headers other than the key-bearing ones. */
  headers: Record<string, string>;
  body: unknown;
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

export class CallLog {
  readonly #byProvider = new Map<string, ProviderStats>();
  /** Calls per Breakwater job id, across providers (bounded). */
  readonly #byJob = new Map<string, number>();

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
  }

  /** Calls received per job id (the `x-breakwater-job-id` header), every provider counted. */
  callsByJob(): ReadonlyMap<string, number> {
    return this.#byJob;
  }

  reset(): void {
    this.#byJob.clear();
    this.#byProvider.clear();
  }
}
