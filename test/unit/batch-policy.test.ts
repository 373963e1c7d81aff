import { describe, expect, it } from 'vitest';
import { customIdOf, flushDue, leaseMs, mayUseBatch, parkUntil } from '../../src/batch/batch-policy.js';
import { failedSubmit, itemOutcome } from '../../src/batch/item-outcome.js';
import { batchCostUsd } from '../../src/pricing/batch-cost.js';
import { costUsd } from '../../src/pricing/cost.js';
import { ProviderError } from '../../src/providers/provider-error.js';

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

describe('what a batch outcome means for its job', () => {
  const record = {
    id: 'bat_1',
    provider: 'openai',
    model: 'gpt-4.1-mini',
    status: 'applying',
    createdAt: 0,
    total: 1,
    succeeded: 0,
    errored: 0,
    expired: 0,
    costUsd: 0,
    listCostUsd: 0,
  } as const;

  it('an answer completes the job, its latency the time the batch took', () => {
    const result = {
      text: 'hi',
      finishReason: 'stop',
      usage: { inputTokens: 1, outputTokens: 1 },
      latencyMs: 0,
    } as const;
    expect(itemOutcome(record, { customId: '1', kind: 'ok', result }, 1_000, 4_000)).toEqual({
      kind: 'ok',
      batchId: 'bat_1',
      result: { ...result, latencyMs: 3_000 },
      submittedAt: 1_000,
      endedAt: 4_000,
    });
  });

  it('an expired item is a retryable attempt of the batch entry; an errored one keeps its verdict', () => {
    expect(itemOutcome(record, { customId: '1', kind: 'expired' }, 1_000, 4_000)).toMatchObject({
      kind: 'failed',
      attempt: { provider: 'openai', outcome: 'retryable', errorClass: 'batch-expired', durationMs: 3_000 },
    });
    const error = new ProviderError({
      verdict: 'rejected',
      code: 'bad-request',
      provider: 'openai',
      model: 'gpt-4.1-mini',
      message: 'no',
      status: 400,
    });
    expect(itemOutcome(record, { customId: '1', kind: 'errored', error }, 1_000, 4_000)).toMatchObject({
      kind: 'failed',
      attempt: { outcome: 'rejected', errorClass: 'bad-request', status: 400, error: 'no' },
    });
  });

  it('a submission refused by an open breaker is a skip; one that failed carries its status', () => {
    expect(failedSubmit(record, { kind: 'refused' }, 0, 5)).toMatchObject({
      outcome: 'skipped-open',
      errorClass: 'breaker-open',
    });
    const error = new ProviderError({
      verdict: 'retryable',
      code: 'overloaded',
      provider: 'openai',
      model: 'gpt-4.1-mini',
      message: 'busy',
      status: 503,
    });
    expect(failedSubmit(record, { kind: 'error', error }, 0, 5)).toMatchObject({
      outcome: 'retryable',
      status: 503,
      error: 'batch not submitted: busy',
      durationMs: 5,
    });
  });
});
