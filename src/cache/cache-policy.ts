import type { CacheConfig } from '../config/schema.js';

/** How a job uses the result cache, from the config and its own `cache` field. */
export type CachePolicy =
  | { kind: 'off' }
  /** Answers younger than `ttlMs` are served; expired ones up to `staleMs` later, stale, if allowed. */
  | { kind: 'on'; ttlMs: number; staleMs: number; acceptStale: boolean };

export interface JobCacheTerms {
  /** Embedding jobs (`embed`) are not cached. */
  kind?: string | undefined;
  cache?: false | { ttlSeconds: number } | undefined;
  acceptStale?: boolean | undefined;
}

/**
 * `cache: false` opts out; `cache: { ttlSeconds }` sets the job's own lifetime; else the config's
 * (0 = off). Only completions are cached: an embedding job never is.
 */
export function cachePolicy(job: JobCacheTerms, config: CacheConfig): CachePolicy {
  if (job.cache === false || job.kind === 'embed') return { kind: 'off' };
  const ttlSeconds = job.cache?.ttlSeconds ?? config.ttlSeconds;
  if (ttlSeconds <= 0) return { kind: 'off' };
  return {
    kind: 'on',
    ttlMs: ttlSeconds * 1000,
    staleMs: config.staleIfAllOpenSeconds * 1000,
    acceptStale: job.acceptStale === true,
  };
}

/** How an answer stored at `storedAt` serves a job now: fresh, only stale, or not at all. */
export function freshness(
  storedAt: number,
  policy: Extract<CachePolicy, { kind: 'on' }>,
  now: number,
): 'fresh' | 'stale' | 'expired' {
  const age = now - storedAt;
  if (age < policy.ttlMs) return 'fresh';
  if (age < policy.ttlMs + policy.staleMs) return 'stale';
  return 'expired';
}
