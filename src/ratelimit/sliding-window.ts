import type { RedisClient } from '../redis/redis-client.js';

/**
 * KEYS: the bucket's hash (one field per fixed window). ARGV: cost, limit, windowMs, now (epoch ms;
 * negative: RedisClient's own clock, so every API process agrees on the window whatever its clock).
 * Counts `cost` only when it fits, so refused requests use nothing. Returns {admitted (1/0),
 * current window's count, previous window's count, the elapsed share of the current window}.
 */
const takeScript = `
local cost, limit, windowMs, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if now < 0 then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local index = math.floor(now / windowMs)
local elapsed = (now % windowMs) / windowMs
local current = tonumber(redis.call('HGET', KEYS[1], index) or '0')
local previous = tonumber(redis.call('HGET', KEYS[1], index - 1) or '0')
if math.floor(previous * (1 - elapsed)) + current + cost > limit then
  return {0, current, previous, tostring(elapsed)}
end
current = redis.call('HINCRBY', KEYS[1], index, cost)
redis.call('HDEL', KEYS[1], index - 2)
redis.call('PEXPIRE', KEYS[1], windowMs * 2)
return {1, current, previous, tostring(elapsed)}
`;

export interface SlidingWindowOptions {
  redis: Pick<RedisClient, 'eval'>;
  /** Counters live under this prefix (the queue's, so removing the queue removes them). */
  keyPrefix: string;
  /** Units (jobs) admitted per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

export type TakeOutcome =
  | { kind: 'admitted'; remaining: number }
  /** Over the limit: `retryAfterMs` is when this much will fit again (if nothing else is taken). */
  | { kind: 'limited'; retryAfterMs: number }
  /** More than a whole window's limit at once: it never fits; send less per request. */
  | { kind: 'too-large'; limit: number };

/**
 * A sliding-window counter in Redis, shared by every API process: the previous fixed window counts
 * in proportion to how much of it the sliding window still covers, so there is no double burst at
 * window edges. One Lua call per request.
 */
export class SlidingWindow {
  readonly #now: (() => number) | undefined;

  constructor(private readonly options: SlidingWindowOptions) {
    this.#now = options.now;
  }

  async take(bucket: string, cost: number): Promise<TakeOutcome> {
    const { limit, windowMs } = this.options;
    if (cost > limit) return { kind: 'too-large', limit };
    const reply = (await this.options.redis.eval(
      takeScript,
      1,
      `${this.options.keyPrefix}:${bucket}`,
      cost,
      limit,
      windowMs,
      this.#now ? this.#now() : -1,
    )) as [number, number, number, string];
    const [admitted, current, previous] = reply;
    const elapsed = Number(reply[3]);
    if (admitted === 1) {
      const carried = Math.floor(previous * (1 - elapsed));
      return { kind: 'admitted', remaining: Math.max(0, limit - current - carried) };
    }
    return { kind: 'limited', retryAfterMs: retryAfter(current, previous, cost, limit, elapsed, windowMs) };
  }
}

/**
 * How long until `cost` fits, if nothing else is taken meanwhile: within this window, once the
 * previous window's share has decayed enough; else in the next one, where this window's count is
 * the previous one and decays in turn.
 */
function retryAfter(
  current: number,
  previous: number,
  cost: number,
  limit: number,
  elapsed: number,
  windowMs: number,
): number {
  const toWindowEnd = (1 - elapsed) * windowMs;
  const room = limit - current - cost;
  if (room >= 0 && previous > 0) {
    const wait = (1 - elapsed - room / previous) * windowMs;
    if (wait <= toWindowEnd) return Math.max(1, Math.ceil(wait));
  }
  const intoNext = current === 0 ? 0 : Math.max(0, 1 - (limit - cost) / current) * windowMs;
  return Math.max(1, Math.ceil(toWindowEnd + intoNext));
}
