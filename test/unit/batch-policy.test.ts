import { describe, expect, it } from 'vitest';
import { customIdOf, flushDue, leaseMs, mayUseBatch, parkUntil } from '../../src/batch/batch-policy.js';
import { batchCostUsd } from '../../src/pricing/batch-cost.js';
import { costUsd } from '../../src/pricing/cost.js';

const limits = { maxJobs: 400, maxWaitMs: 60_000, pollIntervalMs: 30_000, windowMs: 86_400_000 };

describe('batch decisions', () => {
  it('a collection is submitted when maxJobs wait or the oldest waited maxWaitMs, never empty', () => {
    expect(flushDue({ count: 0, oldestAt: undefined }, 1_000_000, limits)).toBe(false);
    expect(flushDue({ count: 399, oldestAt: 1_000_000 }, 1_059_999, limits)).toBe(false);
    expect(flushDue({ count: 400, oldestAt: 1_000_000 }, 1_000_000, limits)).toBe(true);
    expect(flushDue({ count: 1, oldestAt: 1_000_000 }, 1_060_000, limits)).toBe(true);
  });

  it('a job uses a batch entry only when its deadline leaves the whole window', () => {
    expect(mayUseBatch(undefined, 0, limits)).toBe(true);
    expect(mayUseBatch(86_400_000, 0, limits)).toBe(true);
    expect(mayUseBatch(86_399_999, 0, limits)).toBe(false);
  });

  it('a batched job sleeps past its collection wait, the window and two polls at the latest', () => {
    expect(parkUntil(1_000, limits)).toBe(1_000 + 60_000 + 86_400_000 + 60_000);
  });

  it('custom ids are job ids when providers accept them, else a stable hash', () => {
    expect(customIdOf('1234')).toBe('1234');
    expect(customIdOf('key:with spaces')).toMatch(/^h-[0-9a-f]{40}$/);
    expect(customIdOf('key:with spaces')).toBe(customIdOf('key:with spaces'));
  });

  it('a lease outlasts the calls it covers', () => {
    expect(leaseMs(5_000)).toBeGreaterThan(4 * 5_000);
  });
});

describe('batch prices', () => {
  const usage = { inputTokens: 1_000, outputTokens: 500 };
  it('are half the list price unless the pricing says otherwise', () => {
    expect(batchCostUsd('gpt-4.1-mini', usage, {})).toBeCloseTo(
      (costUsd('gpt-4.1-mini', usage, {}) ?? 0) / 2,
      12,
    );
    expect(
      batchCostUsd('gpt-4.1-mini', usage, {
        'gpt-4.1-mini': { input: 0.4, output: 1.6, batchInput: 0.1, batchOutput: 0.2 },
      }),
    ).toBeCloseTo((1_000 * 0.1 + 500 * 0.2) / 1e6, 12);
    expect(batchCostUsd('unknown-model', usage, {})).toBeNull();
  });
});
