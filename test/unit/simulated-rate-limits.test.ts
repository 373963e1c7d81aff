import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../src/providers/rate-limit-headers.js';
import { goDuration } from '../../src/simulator/openai-limits.js';
import { admit, type LimitBuckets, limitView } from '../../src/simulator/rate-limits.js';
import {
  capacityOf,
  fullBucket,
  msUntilFull,
  refill,
  remainingOf,
  waitMs,
} from '../../src/simulator/token-bucket.js';

const t0 = 1_000_000;

describe('token bucket', () => {
  it('holds one second of a per-minute limit, at least 1', () => {
    expect(capacityOf(3000)).toBe(50);
    expect(capacityOf(60)).toBe(1);
    expect(capacityOf(6)).toBe(1);
  });

  it('refills limit/60000 per ms, up to the capacity, never back in time', () => {
    const drained = { level: 0, at: t0 };
    expect(refill(drained, 3000, t0 + 20).level).toBeCloseTo(1);
    expect(refill(drained, 3000, t0 + 500).level).toBeCloseTo(25);
    expect(refill(drained, 3000, t0 + 60_000).level).toBe(50);
    expect(refill(drained, 3000, t0 - 1_000)).toEqual(drained);
  });

  it('says how long until a cost fits and until it is full again', () => {
    const bucket = { level: 0.5, at: t0 };
    expect(waitMs(bucket, 3000, 1)).toBe(10);
    expect(waitMs(fullBucket(3000, t0), 3000, 50)).toBe(0);
    expect(msUntilFull(bucket, 3000)).toBe(990);
    expect(msUntilFull(fullBucket(3000, t0), 3000)).toBe(0);
  });

  it('lets a cost above the capacity through only when full, leaving a debt', () => {
    expect(waitMs({ level: 49, at: t0 }, 3000, 120)).toBe(20);
    expect(waitMs({ level: 50, at: t0 }, 3000, 120)).toBe(0);
    // 70 in debt: 120 over 50 capacity; full again 120 / (3000/60000) ms later.
    expect(msUntilFull({ level: -70, at: t0 }, 3000)).toBe(2400);
  });

  it('reports what remains scaled to the per-minute figure, never negative', () => {
    expect(remainingOf({ level: 50, at: t0 }, 3000)).toBe(3000);
    expect(remainingOf({ level: 25, at: t0 }, 3000)).toBe(1500);
    expect(remainingOf({ level: 0.99, at: t0 }, 3000)).toBe(59);
    expect(remainingOf({ level: -5, at: t0 }, 3000)).toBe(0);
  });
});

describe('admit', () => {
  it('admits a burst of one second of traffic, then one call per refill', () => {
    const limits = { rpm: 3000 };
    let buckets: LimitBuckets = {};
    let admitted = 0;
    for (let i = 0; i < 60; i++) {
      const admission = admit(limits, buckets, { requests: 1, tokens: 0 }, t0);
      buckets = admission.buckets;
      if (admission.kind === 'admitted') admitted++;
    }
    expect(admitted).toBe(50);
    const refused = admit(limits, buckets, { requests: 1, tokens: 0 }, t0);
    expect(refused).toMatchObject({
      kind: 'limited',
      dimension: 'requests',
      limit: 3000,
      used: 3000,
      requested: 1,
      retryAfterMs: 20,
      view: { requests: { limit: 3000, remaining: 0, resetMs: 1000 } },
    });
    expect(admit(limits, buckets, { requests: 1, tokens: 0 }, t0 + 19).kind).toBe('limited');
    expect(admit(limits, buckets, { requests: 1, tokens: 0 }, t0 + 20).kind).toBe('admitted');
  });

  it('over a minute admits the per-minute limit plus one second of burst, no more', () => {
    const limits = { rpm: 600 };
    let buckets: LimitBuckets = {};
    let admitted = 0;
    // A call every 10 ms for 60 s: six times the limit offered.
    for (let at = t0; at < t0 + 60_000; at += 10) {
      const admission = admit(limits, buckets, { requests: 1, tokens: 0 }, at);
      buckets = admission.buckets;
      if (admission.kind === 'admitted') admitted++;
    }
    expect(admitted).toBeGreaterThanOrEqual(600);
    expect(admitted).toBeLessThanOrEqual(610);
  });

  it('paces by tokens when the token limit binds, and charges nothing when it refuses', () => {
    const limits = { rpm: 6000, tpm: 60_000 };
    const cost = { requests: 1, tokens: 400 };
    const first = admit(limits, {}, cost, t0);
    expect(first.kind).toBe('admitted');
    expect(first.view).toEqual({
      requests: { limit: 6000, remaining: 5940, resetMs: 10 },
      tokens: { limit: 60_000, remaining: 36_000, resetMs: 400 },
    });
    const second = admit(limits, first.buckets, cost, t0);
    expect(second.kind).toBe('admitted');
    const third = admit(limits, second.buckets, cost, t0);
    expect(third).toMatchObject({ kind: 'limited', dimension: 'tokens', requested: 400, retryAfterMs: 200 });
    expect(third.buckets).toEqual(second.buckets);
  });

  it('lets one call larger than a second of tokens through a full bucket, then waits out the debt', () => {
    const limits = { tpm: 6000 };
    const big = admit(limits, {}, { requests: 1, tokens: 300 }, t0);
    expect(big.kind).toBe('admitted');
    expect(big.view.tokens).toEqual({ limit: 6000, remaining: 0, resetMs: 3000 });
    // 200 in debt, refilling 0.1 a ms: at -100 a second later, 110 short of the 10 asked.
    const next = admit(limits, big.buckets, { requests: 1, tokens: 10 }, t0 + 1000);
    expect(next).toMatchObject({ kind: 'limited', retryAfterMs: 1100 });
  });

  it('reports the view of an uncharged response, a first call starting full', () => {
    expect(limitView({ rpm: 60, tpm: 1200 }, {}, t0)).toEqual({
      requests: { limit: 60, remaining: 60, resetMs: 0 },
      tokens: { limit: 1200, remaining: 1200, resetMs: 0 },
    });
    expect(limitView({}, {}, t0)).toEqual({});
  });
});

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [12, '12ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [360_000, '6m0s'],
    [90_250, '1m30.25s'],
    [3_723_500, '1h2m3.5s'],
  ])('%d ms prints as %s, and reads back', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });
});
