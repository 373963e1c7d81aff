import { describe, expect, it } from 'vitest';
import { learnedLimitsOf, parseDurationMs } from '../../src/providers/rate-limit-headers.js';

const now = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('learnedLimitsOf', () => {
  it('reads the OpenAI set, resets as durations from now', () => {
    expect(
      learnedLimitsOf(
        {
          'x-ratelimit-limit-requests': '5000',
          'x-ratelimit-limit-tokens': '160000',
          'x-ratelimit-remaining-requests': '4999',
          'x-ratelimit-remaining-tokens': '159976',
          'x-ratelimit-reset-requests': '12ms',
          'x-ratelimit-reset-tokens': '6m0s',
          'x-request-id': 'abc',
        },
        now,
      ),
    ).toEqual({
      requests: { limit: 5000, remaining: 4999, resetAt: now + 12 },
      tokens: { limit: 160000, remaining: 159976, resetAt: now + 360_000 },
    });
  });

  it('reads the Anthropic set, resets as RFC 3339 timestamps, header names in any case', () => {
    const learned = learnedLimitsOf(
      {
        'Anthropic-RateLimit-Requests-Limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-11-29T12:00:01Z',
        'anthropic-ratelimit-tokens-limit': '30000',
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': '2026-11-29T12:00:30.500Z',
        'ANTHROPIC-RATELIMIT-INPUT-TOKENS-LIMIT': '20000',
        'anthropic-ratelimit-input-tokens-remaining': '19000',
        'anthropic-ratelimit-input-tokens-reset': '2026-11-29T13:00:00+01:00',
        'anthropic-ratelimit-output-tokens-limit': '8000',
        'anthropic-ratelimit-output-tokens-remaining': '8000',
        'anthropic-ratelimit-output-tokens-reset': '2026-11-29T12:00:00Z',
      },
      now,
    );
    expect(learned).toEqual({
      requests: { limit: 50, remaining: 49, resetAt: now + 1000 },
      tokens: { limit: 30000, remaining: 0, resetAt: now + 30_500 },
      inputTokens: { limit: 20000, remaining: 19000, resetAt: now },
      outputTokens: { limit: 8000, remaining: 8000, resetAt: now },
    });
  });

  it('a reset already past reads as now', () => {
    const learned = learnedLimitsOf(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '50',
        'anthropic-ratelimit-requests-reset': '2026-11-29T11:00:00Z',
      },
      now,
    );
    expect(learned?.requests?.resetAt).toBe(now);
  });

  it('leaves out a dimension with a missing or malformed value, and never throws', () => {
    const learned = learnedLimitsOf(
      {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': 'soon',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '29000',
        'x-ratelimit-reset-tokens': '1.5s',
        'anthropic-ratelimit-input-tokens-limit': '-1',
        'anthropic-ratelimit-input-tokens-remaining': '-1',
        'anthropic-ratelimit-input-tokens-reset': '2026-11-29T12:00:01Z',
        'anthropic-ratelimit-output-tokens-limit': '100',
        'anthropic-ratelimit-output-tokens-remaining': '5',
        'anthropic-ratelimit-output-tokens-reset': 'tomorrow',
      },
      now,
    );
    expect(learned).toEqual({ tokens: { limit: 30000, remaining: 29000, resetAt: now + 1500 } });
    expect(learnedLimitsOf({ 'x-ratelimit-limit-requests': '500' }, now)).toBeUndefined();
    expect(learnedLimitsOf({ 'content-type': 'application/json', other: undefined }, now)).toBeUndefined();
    expect(learnedLimitsOf(undefined, now)).toBeUndefined();
    expect(learnedLimitsOf({}, now)).toBeUndefined();
  });

  it('ignores a limit of 0 (Azure reports limits it does not apply as 0 or -1)', () => {
    expect(
      learnedLimitsOf(
        {
          'x-ratelimit-limit-tokens': '0',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '0s',
        },
        now,
      ),
    ).toBeUndefined();
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['0s', 0],
    ['1s', 1000],
    ['20ms', 20],
    ['12ms', 12],
    ['1.5s', 1500],
    ['6m0s', 360_000],
    ['1h2m3.5s', 3_723_500],
    ['17.5m', 1_050_000],
    ['250us', 0.25],
    ['2', 2000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 's', '1x', '1s ', ' 1s', '-1s', '1s2', 'ms', '1..5s'])('%j is malformed', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});
