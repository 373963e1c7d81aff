import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/contract/attempt.js';
import type { ChainOutcome } from '../../src/resilience/fallback-chain.js';
import {
  type JobTerms,
  type VerdictContext,
  verdictBeforeRun,
  verdictFor,
} from '../../src/worker/verdict.js';

const now = Date.parse('2026-11-29T12:00:00Z');
const at = new Date(now).toISOString();
const attempt = (provider: string, outcome: Attempt['outcome'], extra: Partial<Attempt> = {}): Attempt => ({
  provider,
  model: 'm',
  outcome,
  at,
  durationMs: outcome === 'skipped-open' ? 0 : 10,
  ...extra,
});
const context = (overrides: Partial<VerdictContext> = {}): VerdictContext => ({
  now,
  willWake: () => false,
  deferralSafetyMs: 60_000,
  jitterMs: 0,
  maxDeferralMs: 24 * 3_600_000,
  ...overrides,
});
const defer: JobTerms = { onAllOpen: 'defer' };
const allOpen = (until: number): ChainOutcome => ({
  kind: 'all-open',
  until,
  reasons: ['a open until … (breaker open: overloaded 503)', 'b open until … (manual)'],
  attempts: [attempt('a', 'skipped-open'), attempt('b', 'skipped-open')],
});

describe('verdictFor: what a run of a job decides', () => {
  const cases: {
    name: string;
    outcome: ChainOutcome;
    terms?: JobTerms;
    context?: Partial<VerdictContext>;
    expected: object;
  }[] = [
    {
      name: 'every entry rejected the request: fail for good, naming each',
      outcome: { kind: 'all-rejected', attempts: [attempt('a', 'rejected', { error: 'bad model' })] },
      expected: { kind: 'fail', reason: 'every provider rejected the request: a/m: rejected (bad model)' },
    },
    {
      name: 'calls failed while a breaker is closed: retry, no Retry-After floor',
      outcome: { kind: 'failed', attempts: [attempt('a', 'retryable', { error: '503' })] },
      expected: { kind: 'retry', reason: 'every call failed: a/m: retryable (503)' },
    },
    {
      name: 'calls failed with a Retry-After: retry no sooner than it',
      outcome: { kind: 'failed', retryAfterMs: 7_000, attempts: [attempt('a', 'retryable')] },
      expected: { kind: 'retry', retryAfterMs: 7_000 },
    },
    {
      name: 'aborted mid-call (shutdown, cancel): hand back, no attempt spent',
      outcome: { kind: 'aborted', attempts: [] },
      expected: { kind: 'hand-back' },
    },
    {
      name: 'every provider open: defer until the earliest probe, plus jitter',
      outcome: allOpen(now + 5_000),
      context: { jitterMs: 250 },
      expected: {
        kind: 'defer',
        until: now + 5_250,
        probeAt: now + 5_000,
        providers: ['a', 'b'],
        wakeable: false,
      },
    },
    {
      name: 'every provider open and the fleet will wake it: its own timer is a late safety net',
      outcome: allOpen(now + 5_000),
      context: { willWake: () => true },
      expected: { kind: 'defer', until: now + 65_000, probeAt: now + 5_000, wakeable: true },
    },
    {
      name: 'a provider opened by hand with no end: the timer is capped at maxDeferralMs',
      outcome: allOpen(8.64e15),
      expected: { kind: 'defer', until: now + 24 * 3_600_000 },
    },
    {
      name: 'onAllOpen: fail fails at once instead of deferring',
      outcome: allOpen(now + 5_000),
      terms: { onAllOpen: 'fail' },
      expected: { kind: 'fail', reason: expect.stringMatching(/^every provider is unavailable: a open/) },
    },
    {
      name: 'a deferral that would pass the deadline fails with the reason',
      outcome: allOpen(now + 5_000),
      terms: { onAllOpen: 'defer', deadline: now + 4_999 },
      expected: {
        kind: 'fail',
        reason: expect.stringMatching(/^deadline exceeded while every provider was unavailable/),
      },
    },
    {
      name: 'a deadline after the probe but before the safety net: the timer stops at the deadline',
      outcome: allOpen(now + 5_000),
      terms: { onAllOpen: 'defer', deadline: now + 10_000 },
      context: { willWake: () => true },
      expected: { kind: 'defer', until: now + 10_000 },
    },
  ];

  for (const { name, outcome, terms, context: overrides, expected } of cases) {
    it(name, () => {
      expect(verdictFor(outcome, terms ?? defer, context(overrides))).toMatchObject(expected);
    });
  }

  it('a completed walk completes the job with its outcome', () => {
    const outcome: ChainOutcome = {
      kind: 'completed',
      result: { text: 'hi', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: 5 },
      entry: { provider: 'a', model: 'm', timeoutMs: 1_000 },
      index: 0,
      attempts: [attempt('a', 'ok')],
    };
    expect(verdictFor(outcome, defer, context())).toEqual({ kind: 'complete', outcome });
  });

  it('the deferral providers are named once each, in chain order', () => {
    const outcome: ChainOutcome = {
      kind: 'all-open',
      until: now + 1_000,
      reasons: ['x'],
      attempts: [attempt('b', 'skipped-open'), attempt('a', 'retryable'), attempt('b', 'skipped-open')],
    };
    expect(verdictFor(outcome, defer, context())).toMatchObject({ providers: ['b', 'a'] });
  });
});

describe('verdictBeforeRun', () => {
  it('fails a job whose deadline has passed, before any call', () => {
    expect(verdictBeforeRun({ onAllOpen: 'defer', deadline: now }, 'then', now)).toEqual({
      kind: 'fail',
      reason: 'deadline exceeded (then) before the job could run',
    });
  });

  it('decides nothing for a job with time left or no deadline', () => {
    expect(verdictBeforeRun({ onAllOpen: 'defer', deadline: now + 1 }, 'then', now)).toBeUndefined();
    expect(verdictBeforeRun({ onAllOpen: 'defer' }, undefined, now)).toBeUndefined();
  });
});

describe('verdictFor: waiting for capacity', () => {
  const limited = (until: number): ChainOutcome => ({
    kind: 'limited',
    until,
    reasons: ['a rate limit: 0 of 500 requests left until 12:00:31Z'],
    refusal: undefined,
    attempts: [
      attempt('a', 'skipped-limit', { errorClass: 'rate-limit' }),
      attempt('b', 'limited', { status: 429 }),
    ],
  });

  it('waits until capacity frees, naming the limit, even when the job says onAllOpen: fail', () => {
    expect(verdictFor(limited(now + 31_000), { onAllOpen: 'fail' }, context())).toEqual({
      kind: 'wait',
      until: now + 31_000,
      reason: 'a rate limit: 0 of 500 requests left until 12:00:31Z',
      providers: ['a', 'b'],
    });
  });

  it('fails when capacity frees only after the deadline', () => {
    const verdict = verdictFor(
      limited(now + 31_000),
      { onAllOpen: 'defer', deadline: now + 10_000 },
      context(),
    );
    expect(verdict).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/^deadline exceeded while waiting for capacity: a rate limit/),
    });
  });

  it('never waits into the past', () => {
    expect(verdictFor(limited(now - 5), defer, context())).toMatchObject({ kind: 'wait', until: now });
  });
});
