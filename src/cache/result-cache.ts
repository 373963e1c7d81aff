import { z } from 'zod';
import type { CompletionJobResult } from '../contract/job.js';
import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';

/** An answer as the cache keeps it: the result that first completed (without its calls), and when. */
export interface CachedAnswer {
  result: Omit<CompletionJobResult, 'attempts' | 'cached' | 'stale'>;
  storedAt: number;
}

const cachedAnswerSchema = z.object({
  storedAt: z.number(),
  result: z.object({
    text: z.string(),
    finishReason: z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']),
    provider: z.string(),
    model: z.string(),
    usage: z.object({ inputTokens: z.number().nullable(), outputTokens: z.number().nullable() }),
    latencyMs: z.number(),
    costUsd: z.number().nullable(),
    fallbackUsed: z.boolean(),
  }),
});

/** Deletes the flight only while this job holds it. KEYS: flight. ARGV: owner. */
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Cached answers in Redis, under the queue's keys (`bull:<queue>:breakwater:cache:<hash>`), each with
 * a TTL so they count toward nothing else and vanish on their own; beside them, the flight of the
 * one job computing an answer for identical jobs.
 */
export class ResultCache {
  readonly #redis: RedisClient;
  readonly #keys: BreakwaterKeys;

  constructor(redis: RedisClient, queueKey: string) {
    this.#redis = redis;
    this.#keys = new BreakwaterKeys(queueKey);
  }

  async read(hash: string): Promise<CachedAnswer | undefined> {
    const text = await this.#redis.get(this.#keys.cached(hash));
    if (text === null) return undefined;
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = cachedAnswerSchema.safeParse(stored);
    if (!parsed.success) return undefined;
    // Fields this version does not know (a newer worker's) are kept, the known ones checked.
    const extra = (stored as { result: Record<string, unknown> }).result;
    return { storedAt: parsed.data.storedAt, result: { ...extra, ...parsed.data.result } };
  }

  async write(hash: string, answer: CachedAnswer, keepMs: number): Promise<void> {
    await this.#redis.set(
      this.#keys.cached(hash),
      JSON.stringify(answer),
      'PX',
      Math.max(1, Math.ceil(keepMs)),
    );
  }

  /** Takes the flight for `hash` when nobody holds it; it lapses after `leaseMs` if never released. */
  async lead(hash: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#keys.cacheFlight(hash), owner, 'PX', leaseMs, 'NX')) === 'OK';
  }

  async flying(hash: string): Promise<boolean> {
    return (await this.#redis.exists(this.#keys.cacheFlight(hash))) === 1;
  }

  async release(hash: string, owner: string): Promise<void> {
    await this.#redis.eval(releaseScript, 1, this.#keys.cacheFlight(hash), owner);
  }
}
