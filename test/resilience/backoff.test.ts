import type { MinimalJob } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createBackoffStrategy } from '../../src/queue/backoff.js';
import { RetryableJobError } from '../../src/queue/retryable-job-error.js';

const job = { opts: { backoff: { type: 'breakwater', delay: 1_000 } } } as unknown as MinimalJob;

describe('retry backoff', () => {
  it('doubles per attempt from the job’s delay, jittered between 0.5× and 1.5×', () => {
    const low = createBackoffStrategy({ random: () => 0 });
    const high = createBackoffStrategy({ random: () => 0.999_999 });
    expect([1, 2, 3, 4].map((attempt) => low(attempt, 'breakwater', new Error('x'), job))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
    expect([1, 2, 3].map((attempt) => high(attempt, 'breakwater', new Error('x'), job))).toEqual([
      1_500, 3_000, 6_000,
    ]);
  });

  it('never retries sooner than the Retry-After every failed provider sent, and caps the delay', () => {
    const strategy = createBackoffStrategy({ random: () => 0.5, maxDelayMs: 20_000 });
    expect(strategy(1, 'breakwater', new RetryableJobError('429s', 7_000), job)).toBe(7_000);
    expect(strategy(1, 'breakwater', new RetryableJobError('429s', 200), job)).toBe(1_000);
    expect(strategy(10, 'breakwater', new RetryableJobError('5xx'), job)).toBe(20_000);
  });

  it('leaves other backoff types alone', () => {
    expect(createBackoffStrategy()(1, 'fixed', new Error('x'), job)).toBe(0);
  });
});
