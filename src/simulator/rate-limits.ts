import { type Bucket, fullBucket, msUntilFull, refill, remainingOf, waitMs } from './token-bucket.js';

/** A simulated provider's per-minute limits; each model of the provider has its own buckets. */
export interface SimulatedLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute: input estimate plus `max_tokens` (or the output, when no `max_tokens`). */
  tpm?: number;
}

export type LimitDimension = 'requests' | 'tokens';

export type LimitBuckets = Partial<Record<LimitDimension, Bucket>>;

/** What one call costs. */
export type CallCost = Record<LimitDimension, number>;

/** One dimension as a response reports it. */
export interface LimitStatus {
  /** The per-minute figure. */
  limit: number;
  /** The bucket level scaled to the per-minute figure, never negative. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export type LimitView = Partial<Record<LimitDimension, LimitStatus>>;

export type Admission =
  | { kind: 'admitted'; buckets: LimitBuckets; view: LimitView }
  | {
      kind: 'limited';
      buckets: LimitBuckets;
      view: LimitView;
      /** The dimension that makes the call wait longest. */
      dimension: LimitDimension;
      limit: number;
      /** The per-minute figure minus what remains. */
      used: number;
      requested: number;
      /** Milliseconds until the call would fit. */
      retryAfterMs: number;
    };

/** One limited dimension as it stands at a moment. */
interface Metered {
  dimension: LimitDimension;
  limit: number;
  bucket: Bucket;
}

/** The limited dimensions refilled to `now`; a dimension seen for the first time starts full. */
function metered(limits: SimulatedLimits, buckets: LimitBuckets, now: number): Metered[] {
  const dimensions: Array<[LimitDimension, number | undefined]> = [
    ['requests', limits.rpm],
    ['tokens', limits.tpm],
  ];
  return dimensions.flatMap(([dimension, limit]) => {
    if (limit === undefined) return [];
    const bucket = buckets[dimension];
    return [{ dimension, limit, bucket: bucket ? refill(bucket, limit, now) : fullBucket(limit, now) }];
  });
}

function bucketsOf(dimensions: readonly Metered[]): LimitBuckets {
  return Object.fromEntries(dimensions.map(({ dimension, bucket }) => [dimension, bucket]));
}

function viewOf(dimensions: readonly Metered[]): LimitView {
  return Object.fromEntries(
    dimensions.map(({ dimension, limit, bucket }) => [
      dimension,
      { limit, remaining: remainingOf(bucket, limit), resetMs: msUntilFull(bucket, limit) },
    ]),
  );
}

/** The limits as they stand at `now`, for a response that is not charged (a refused key, say). */
export function limitView(limits: SimulatedLimits, buckets: LimitBuckets, now: number): LimitView {
  return viewOf(metered(limits, buckets, now));
}

/** Charges a call to every limited dimension, or refuses it (charging nothing) when one has no room. */
export function admit(
  limits: SimulatedLimits,
  buckets: LimitBuckets,
  cost: CallCost,
  now: number,
): Admission {
  const dimensions = metered(limits, buckets, now);
  let worst: (Metered & { wait: number }) | undefined;
  for (const entry of dimensions) {
    const wait = waitMs(entry.bucket, entry.limit, cost[entry.dimension]);
    if (wait > 0 && (!worst || wait > worst.wait)) worst = { ...entry, wait };
  }
  if (worst) {
    return {
      kind: 'limited',
      buckets: bucketsOf(dimensions),
      view: viewOf(dimensions),
      dimension: worst.dimension,
      limit: worst.limit,
      used: worst.limit - remainingOf(worst.bucket, worst.limit),
      requested: cost[worst.dimension],
      retryAfterMs: worst.wait,
    };
  }
  const charged = dimensions.map((entry) => ({
    ...entry,
    bucket: { level: entry.bucket.level - cost[entry.dimension], at: entry.bucket.at },
  }));
  return { kind: 'admitted', buckets: bucketsOf(charged), view: viewOf(charged) };
}
