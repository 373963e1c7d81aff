import type { CapacityState, LimitBucketView } from '../contract/provider-limits.js';

/** A bucket holds half a second of its pace (pace per minute / 120), as the admission script. */
const burstDivisor = 120;

/** A bucket's hash as stored (`lvl`, `ts`, `lim`, `blk`, `why`, `bkk`). */
export interface StoredBucket {
  lvl?: string;
  ts?: string;
  lim?: string;
  blk?: string;
  why?: string;
  bkk?: string;
}

/**
 * A bucket as it stands at `now`: the limit in force (the lower of configured and reported), what
 * has refilled since it was last touched, when it is whole again, and any block. Pure; the same
 * arithmetic as the admission script.
 */
export function bucketView(
  stored: StoredBucket,
  unit: 'requests' | 'tokens',
  configured: number | undefined,
  headroom: number,
  now: number,
  model?: string,
): LimitBucketView | undefined {
  const learned = number(stored.lim);
  const blockedUntil = number(stored.blk);
  const blocked = blockedUntil !== undefined && blockedUntil > now;
  const limit =
    configured !== undefined && learned !== undefined
      ? Math.min(configured, learned)
      : (configured ?? learned);
  if (limit === undefined && !blocked) return undefined;
  const view: LimitBucketView = {
    ...(model === undefined ? {} : { model }),
    unit,
    ...(configured === undefined ? {} : { configured }),
    ...(learned === undefined ? {} : { learned }),
  };
  if (limit !== undefined) {
    const pace = limit * headroom;
    const cap = Math.max(1, pace / burstDivisor);
    const rate = pace / 60_000;
    const level = number(stored.lvl);
    const touched = number(stored.ts);
    const now_ =
      level === undefined || touched === undefined
        ? cap
        : Math.min(cap, level + Math.max(0, now - touched) * rate);
    view.remaining = Math.max(0, Math.floor((now_ / cap) * limit));
    view.resetAt = new Date(now + Math.ceil(Math.max(0, cap - now_) / rate)).toISOString();
  }
  if (blocked) {
    view.blockedUntil = new Date(blockedUntil).toISOString();
    if (stored.why) view.blockReason = stored.why;
  }
  return view;
}

/** Quota first (it lasts), then any 429 block or empty bucket. Pure. */
export function capacityOf(buckets: readonly (LimitBucketView & { blockKind?: string })[]): CapacityState {
  if (buckets.some((bucket) => bucket.blockedUntil !== undefined && bucket.blockKind === 'quota')) {
    return 'quota-exhausted';
  }
  if (buckets.some((bucket) => bucket.blockedUntil !== undefined || bucket.remaining === 0))
    return 'rate-limited';
  return 'available';
}

function number(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
