/**
 * A continuously refilled token bucket for a per-minute limit, as providers enforce theirs: it holds
 * one second of traffic (OpenAI documents that per-minute limits are enforced over shorter periods),
 * at least 1, and refills `perMinute / 60000` per millisecond. Pure: time is passed in.
 */
export interface Bucket {
  /** Level at `at`; negative after a call larger than the capacity (the debt refills first). */
  level: number;
  /** Epoch milliseconds the level was computed at. */
  at: number;
}

export function capacityOf(perMinute: number): number {
  return Math.max(1, perMinute / 60);
}

function refillPerMs(perMinute: number): number {
  return perMinute / 60_000;
}

export function fullBucket(perMinute: number, now: number): Bucket {
  return { level: capacityOf(perMinute), at: now };
}

/** The bucket as it stands at `now` (never back in time, never above the capacity). */
export function refill(bucket: Bucket, perMinute: number, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.at);
  const level = Math.min(capacityOf(perMinute), bucket.level + elapsed * refillPerMs(perMinute));
  return { level, at: Math.max(now, bucket.at) };
}

/**
 * Milliseconds until a call costing `cost` fits: 0 when it fits now. A call larger than the capacity
 * fits only in a full bucket (and leaves it in debt), else it could never pass.
 */
export function waitMs(bucket: Bucket, perMinute: number, cost: number): number {
  const needed = Math.min(cost, capacityOf(perMinute));
  if (bucket.level >= needed) return 0;
  return Math.ceil((needed - bucket.level) / refillPerMs(perMinute));
}

/** Milliseconds until the bucket is full again: the reset a provider reports. */
export function msUntilFull(bucket: Bucket, perMinute: number): number {
  const missing = capacityOf(perMinute) - bucket.level;
  return missing <= 0 ? 0 : Math.ceil(missing / refillPerMs(perMinute));
}

/** What is left, scaled to the per-minute figure as providers report it: never negative. */
export function remainingOf(bucket: Bucket, perMinute: number): number {
  return Math.max(0, Math.floor((bucket.level / capacityOf(perMinute)) * perMinute));
}
