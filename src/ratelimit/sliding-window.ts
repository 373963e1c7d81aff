import type { Redis } from 'ioredis';

/**
 * KEYS: the current window's counter, the previous window's counter.
 * ARGV: cost, limit, windowMs, the weight left of the previous window (0..1).
 * Counts `cost` only when it fits, so refused requests use nothing. Returns {admitted (1/0),
 * current count, previous count}.
 */
const takeScript = `
local cost, limit, windowMs, weight = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if math.floor(previous * weight) + current + cost > limit then return {0, current, previous} end
current = redis.call('INCRBY', KEYS[1], cost)
if current == cost then redis.call('PEXPIRE', KEYS[1], windowMs * 2) end
return {1, current, previous}
`;

export interface SlidingWindowOptions {
  redis: Pick<Redis, 'eval'>;
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
  readonly #now: () => number;

  constructor(private readonly options: SlidingWindowOptions) {
    this.#now = options.now ?? Date.now;
  }

  async take(bucket: string, cost: number): Promise<TakeOutcome> {
    const { limit, windowMs } = this.options;
    if (cost > limit) return { kind: 'too-large', limit };
    const now = this.#now();
    const index = Math.floor(now / windowMs);
    const elapsed = (now % windowMs) / windowMs;
    const weight = 1 - elapsed;
    const key = `${this.options.keyPrefix}:${bucket}`;
    const [admitted, current, previous] = (await this.options.redis.eval(
      takeScript,
      2,
      `${key}:${index}`,
      `${key}:${index - 1}`,
      cost,
      limit,
      windowMs,
      weight,
    )) as [number, number, number];
    if (admitted === 1) {
      return { kind: 'admitted', remaining: Math.max(0, limit - current - Math.floor(previous * weight)) };
    }
    return { kind: 'limited', retryAfterMs: retryAfter(current, previous, cost, limit, elapsed, windowMs) };
  }
}

/** How long until the previous window's share has decayed enough, or the window turns over. */
function retryAfter(
  current: number,
  previous: number,
  cost: number,
  limit: number,
  elapsed: number,
  windowMs: number,
): number {
  const toWindowEnd = Math.ceil((1 - elapsed) * windowMs);
  const room = limit - current - cost;
  if (room < 0 || previous === 0) return Math.max(1, toWindowEnd);
  const neededElapsed = 1 - room / previous;
  return Math.max(1, Math.min(toWindowEnd, Math.ceil((neededElapsed - elapsed) * windowMs)));
}
