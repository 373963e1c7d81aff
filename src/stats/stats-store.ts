import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';
import { latencyBuckets, parseFieldKey, type StatsDelta } from './stats-delta.js';

export interface ModelStats {
  provider: string;
  model: string;
  /** Calls that reached the provider, by outcome: `ok` or the error class (rate-limited, timeout, …). */
  calls: Record<string, number>;
  /** Of those, calls the provider is to blame for (not requests it refused as invalid). */
  failures: number;
  /** Entries skipped because the breaker was open (no call made). */
  skips: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Successful calls whose model has no price: their cost is not in `costUsd`. */
  unpricedCalls: number;
  /** Jobs this model served as a fallback. */
  fallbacks: number;
  /** Calls per latency bucket (`latencyBuckets`, then +Inf), not cumulative. */
  latencyBuckets: number[];
  latencySumSeconds: number;
}

export interface FleetStats {
  models: ModelStats[];
  /** Jobs deferred with the provider in their chain, since the stats began. */
  deferrals: Map<string, number>;
  /** Per provider, over the last `recentWindowMs`: calls and failed calls. */
  recent: Map<string, { calls: number; failures: number }>;
  recentWindowMs: number;
  /** Webhook delivery attempts by verdict: delivered, retry, gone, give-up. */
  webhooks: Record<string, number>;
  /** The result cache: jobs served from it (fresh or stale), jobs that missed it, USD not spent. */
  cache: CacheTotals;
}

export interface CacheTotals {
  hits: number;
  staleHits: number;
  misses: number;
  savedUsd: number;
}

/** Fleet-wide counters that belong to no provider: `['', '', name]` in the stats hash. */
export const fleetField = (name: string) => ['', '', name] as const;

export interface StatsStoreOptions {
  redis: RedisClient;
  /** The queue's key prefix (`bull:{<queue>}`). */
  keyPrefix: string;
  now?: () => number;
}

const minuteMs = 60_000;

/** KEYS: totals, this minute, the batch's marker. ARGV: ttls, then counts, amounts and minute pairs. */
const addBatchScript = `
if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local counts, amounts, recent = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local i = 6
for _ = 1, counts do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2 end
for _ = 1, amounts do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2 end
for _ = 1, recent do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2 end
if recent > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
`;
const recentMinutes = 5;

/**
 * Fleet-wide call, token and cost totals in Redis. Workers add what they counted since their last
 * flush (a few commands a second per worker, however many jobs), and the API reads the totals.
 */
export class StatsStore {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #now: () => number;

  constructor(options: StatsStoreOptions) {
    this.#redis = options.redis;
    this.#key = new BreakwaterKeys(options.keyPrefix).stats;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Adds a batch of counts, once: a retry of a batch whose first try timed out but was applied
   * anyway (its id is remembered for 10 minutes) changes nothing.
   */
  async add(delta: StatsDelta, batchId: string): Promise<void> {
    if (delta.empty) return;
    const minuteKey = this.#minuteKey(Math.floor(this.#now() / minuteMs));
    const recent = [...delta.recent].flatMap(([provider, totals]) => [
      `${provider}\ncalls`,
      totals.calls,
      `${provider}\nfailures`,
      totals.failures,
    ]);
    await this.#redis.eval(
      addBatchScript,
      3,
      this.#key,
      minuteKey,
      `${this.#key}:applied:${batchId}`,
      10 * minuteMs,
      (recentMinutes + 2) * minuteMs,
      delta.counts.size,
      delta.amounts.size,
      recent.length / 2,
      ...[...delta.counts].flat(),
      ...[...delta.amounts].flat(),
      ...recent,
    );
  }

  async read(): Promise<FleetStats> {
    const minute = Math.floor(this.#now() / minuteMs);
    const pipeline = this.#redis.pipeline().hgetall(this.#key);
    for (let back = 0; back < recentMinutes; back++) pipeline.hgetall(this.#minuteKey(minute - back));
    const replies = (await pipeline.exec()) ?? [];
    const [totals, ...minutes] = replies.map(([, reply]) => (reply ?? {}) as Record<string, string>);
    return {
      ...parseTotals(totals ?? {}),
      recent: sumMinutes(minutes),
      recentWindowMs: recentMinutes * minuteMs,
    };
  }

  #minuteKey(minute: number): string {
    return `${this.#key}:minute:${minute}`;
  }
}

function parseTotals(
  hash: Record<string, string>,
): Pick<FleetStats, 'models' | 'deferrals' | 'webhooks' | 'cache'> {
  const models = new Map<string, ModelStats>();
  const deferrals = new Map<string, number>();
  const webhooks: Record<string, number> = {};
  const cache: CacheTotals = { hits: 0, staleHits: 0, misses: 0, savedUsd: 0 };
  for (const [key, raw] of Object.entries(hash)) {
    const field = parseFieldKey(key);
    const value = Number(raw);
    if (!field || !Number.isFinite(value)) continue;
    const [provider, model, name] = field;
    if (provider === '' && model === '') {
      if (name.startsWith('webhook:')) webhooks[name.slice('webhook:'.length)] = value;
      else if (name === 'cache:hit') cache.hits = value;
      else if (name === 'cache:stale') cache.staleHits = value;
      else if (name === 'cache:miss') cache.misses = value;
      else if (name === 'cache:saved-usd') cache.savedUsd = value;
      continue;
    }
    if (name === 'deferrals') {
      deferrals.set(provider, value);
      continue;
    }
    const id = JSON.stringify([provider, model]);
    let stats = models.get(id);
    if (!stats) {
      stats = emptyModelStats(provider, model);
      models.set(id, stats);
    }
    applyField(stats, name, value);
  }
  return { models: [...models.values()], deferrals, webhooks, cache };
}

function applyField(stats: ModelStats, name: string, value: number): void {
  if (name.startsWith('calls:')) stats.calls[name.slice('calls:'.length)] = value;
  else if (name.startsWith('latency:')) {
    const index = Number(name.slice('latency:'.length));
    if (Number.isInteger(index) && index >= 0 && index <= latencyBuckets.length)
      stats.latencyBuckets[index] = value;
  } else if (name === 'failures') stats.failures = value;
  else if (name === 'skips') stats.skips = value;
  else if (name === 'input-tokens') stats.inputTokens = value;
  else if (name === 'output-tokens') stats.outputTokens = value;
  else if (name === 'cost-usd') stats.costUsd = value;
  else if (name === 'unpriced') stats.unpricedCalls = value;
  else if (name === 'fallbacks') stats.fallbacks = value;
  else if (name === 'latency-sum') stats.latencySumSeconds = value;
}

function emptyModelStats(provider: string, model: string): ModelStats {
  return {
    provider,
    model,
    calls: {},
    failures: 0,
    skips: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
    fallbacks: 0,
    latencyBuckets: new Array<number>(latencyBuckets.length + 1).fill(0),
    latencySumSeconds: 0,
  };
}

function sumMinutes(minutes: Record<string, string>[]): Map<string, { calls: number; failures: number }> {
  const recent = new Map<string, { calls: number; failures: number }>();
  for (const hash of minutes) {
    for (const [key, raw] of Object.entries(hash)) {
      const split = key.lastIndexOf('\n');
      const provider = key.slice(0, split);
      const totals = recent.get(provider) ?? { calls: 0, failures: 0 };
      if (key.endsWith('\ncalls')) totals.calls += Number(raw) || 0;
      else if (key.endsWith('\nfailures')) totals.failures += Number(raw) || 0;
      recent.set(provider, totals);
    }
  }
  return recent;
}
