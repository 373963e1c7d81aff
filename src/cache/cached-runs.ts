import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { CompletionJobResult, JobResult } from '../contract/job.js';
import { readsChildResults } from '../flows/step-texts.js';
import type { Logger } from '../logging/logger.js';
import type { JobData } from '../queue/job-input.js';
import { type CacheEntry, timelineLogEntry } from '../queue/timeline.js';
import { validateStoredJob } from '../queue/validate-job.js';
import { type CacheKeySource, cacheKey } from './cache-key.js';
import { type CachePolicy, cachePolicy, freshness } from './cache-policy.js';
import type { CachedAnswer, ResultCache } from './result-cache.js';

/** Counts what the cache did for jobs (metrics and /v1/stats). */
export interface CacheStats {
  cache(outcome: 'hit' | 'stale' | 'miss', savedUsd?: number): void;
}

export interface CachedRunsOptions {
  cache: ResultCache;
  config: BreakwaterConfig;
  logger: Logger;
  stats?: CacheStats;
  now?: () => number;
  /** The first wait of a job whose identical twin is computing the answer; it doubles up to 250 ms. @defaultValue 25 */
  pollMs?: number;
}

type Run<RunJob extends Job<JobData>> = (
  job: RunJob,
  token?: string,
  signal?: AbortSignal,
) => Promise<JobResult>;

interface Plan {
  hash: string;
  policy: Extract<CachePolicy, { kind: 'on' }>;
  /** How long one job may compute the answer for its twins: every entry of its chain timing out. */
  leaseMs: number;
}

/** How a job's look in the cache ended. */
type Lookup =
  | { kind: 'hit'; answer: CachedAnswer }
  /** This job computes the answer; identical jobs wait for it. */
  | { kind: 'lead' }
  /** No answer and no lead (the twin took too long, the job was aborted, Redis failed): run alone. */
  | { kind: 'alone' };

/**
 * The result cache around a worker's runs. A job with the cache on is served a fresh answer at once
 * (no provider call); otherwise the first of identical jobs takes the flight and runs, its twins wait
 * for its answer (single flight), and a completed run's answer is stored for the policy's TTL plus the
 * stale window. The cache never fails a job: when Redis fails it, the job runs as if it were off.
 */
export class CachedRuns {
  readonly #options: CachedRunsOptions;
  readonly #now: () => number;

  constructor(options: CachedRunsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  wrap<RunJob extends Job<JobData>>(run: Run<RunJob>): Run<RunJob> {
    return async (job, token, signal) => {
      // A flow step that reads its children's results asks what they said: its stored texts are no key.
      const plan = readsChildResults(job.id, job.data) ? undefined : this.#plan(job.data);
      if (!plan) return run(job, token, signal);
      const owner = `${String(job.id)}:${randomUUID()}`;
      const lookup = await this.#lookup(plan, owner, signal).catch((error: unknown) => {
        this.#options.logger.warn({ err: error, jobId: job.id }, 'result cache not read; the job runs');
        return { kind: 'alone' } as const;
      });
      if (lookup.kind === 'hit') return this.#serve(job, lookup.answer, 'hit');
      this.#options.stats?.cache('miss');
      try {
        const result = await run(job, token, signal);
        if ('text' in result && !result.cached) {
          const { attempts: _attempts, ...answer } = result;
          await this.#options.cache
            .write(
              plan.hash,
              { result: answer, storedAt: this.#now() },
              plan.policy.ttlMs + plan.policy.staleMs,
            )
            .catch((error: unknown) =>
              this.#options.logger.warn(
                { err: error, jobId: job.id },
                'answer not stored in the result cache',
              ),
            );
        }
        return result;
      } finally {
        if (lookup.kind === 'lead')
          await this.#options.cache.release(plan.hash, owner).catch(() => undefined);
      }
    };
  }

  /**
   * For a job about to be deferred because every provider of its chain is open: an expired answer
   * still within `cache.staleIfAllOpenSeconds`, when the job said `acceptStale: true`.
   */
  async staleAnswer(
    job: Job<JobData>,
    data: JobData,
    chain: readonly { provider: string; model: string }[],
  ): Promise<JobResult | undefined> {
    if (readsChildResults(job.id, data)) return undefined;
    const policy = cachePolicy(data, this.#options.config.cache);
    if (policy.kind === 'off' || !policy.acceptStale || policy.staleMs === 0) return undefined;
    const answer = await this.#options.cache.read(cacheKey(keySource(data), chain)).catch(() => undefined);
    if (!answer || freshness(answer.storedAt, policy, this.#now()) === 'expired') return undefined;
    return this.#serve(job, answer, 'stale');
  }

  #plan(data: unknown): Plan | undefined {
    const own = typeof data === 'object' && data !== null ? (data as { cache?: unknown }).cache : undefined;
    // Most jobs: the cache is off in the config and the job does not turn it on.
    if (this.#options.config.cache.ttlSeconds === 0 && (typeof own !== 'object' || own === null))
      return undefined;
    const validation = validateStoredJob(data, this.#options.config);
    if (validation.kind === 'invalid') return undefined;
    const policy = cachePolicy(validation.data, this.#options.config.cache);
    if (policy.kind === 'off') return undefined;
    return {
      hash: cacheKey(keySource(validation.data), validation.chain),
      policy,
      leaseMs: validation.chain.reduce((sum, entry) => sum + entry.timeoutMs, 0) + 5_000,
    };
  }

  async #lookup(plan: Plan, owner: string, signal: AbortSignal | undefined): Promise<Lookup> {
    const { cache } = this.#options;
    const deadline = this.#now() + plan.leaseMs;
    let waitMs = this.#options.pollMs ?? 25;
    const fresh = async () => {
      const answer = await cache.read(plan.hash);
      return answer && freshness(answer.storedAt, plan.policy, this.#now()) === 'fresh' ? answer : undefined;
    };
    for (;;) {
      const answer = await fresh();
      if (answer) return { kind: 'hit', answer };
      if (await cache.lead(plan.hash, owner, plan.leaseMs)) {
        // An answer stored between the read and the lead: serve it instead of calling.
        const late = await fresh();
        if (!late) return { kind: 'lead' };
        await cache.release(plan.hash, owner);
        return { kind: 'hit', answer: late };
      }
      if (signal?.aborted || this.#now() >= deadline) return { kind: 'alone' };
      await sleep(waitMs, undefined, signal ? { signal } : {}).catch(() => undefined);
      waitMs = Math.min(waitMs * 2, 250);
    }
  }

  async #serve(
    job: Job<JobData>,
    answer: CachedAnswer,
    outcome: 'hit' | 'stale',
  ): Promise<CompletionJobResult> {
    this.#options.stats?.cache(outcome, answer.result.costUsd ?? 0);
    const entry: CacheEntry = {
      event: 'cache',
      at: new Date(this.#now()).toISOString(),
      outcome,
      storedAt: new Date(answer.storedAt).toISOString(),
    };
    await job.log(timelineLogEntry([entry])).catch(() => undefined);
    return {
      ...answer.result,
      costUsd: 0,
      attempts: [],
      cached: true,
      ...(outcome === 'stale' ? { stale: true } : {}),
    };
  }
}

/** The fields of a job that decide its answer. */
function keySource(data: JobData): CacheKeySource {
  return data;
}
