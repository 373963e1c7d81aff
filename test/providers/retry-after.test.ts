import { describe, expect, it } from 'vitest';
import { verdictForStatus } from '../../src/providers/classify-error.js';
import { parseRetryAfter } from '../../src/providers/retry-after.js';

const now = Date.parse('2026-11-22T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds and retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after': '5' }, undefined, now)).toBe(5_000);
    expect(parseRetryAfter({ 'Retry-After': '1.5' }, undefined, now)).toBe(1_500);
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, undefined, now)).toBe(250);
  });

  it('reads an HTTP date relative to now, and never goes negative', () => {
    expect(parseRetryAfter({ 'retry-after': 'Sun, 22 Nov 2026 12:00:30 GMT' }, undefined, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Sun, 22 Nov 2026 11:59:00 GMT' }, undefined, now)).toBe(0);
  });

  it('reads Gemini RetryInfo from the error body, as text or parsed', () => {
    const body = {
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17.5s' }],
      },
    };
    expect(parseRetryAfter({}, body, now)).toBe(17_500);
    expect(parseRetryAfter(undefined, JSON.stringify(body), now)).toBe(17_500);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter({ 'retry-after': 'soon' }, undefined, now)).toBeUndefined();
    expect(parseRetryAfter({}, 'not json', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, { error: { details: [{ retryDelay: '5s' }] } }, now)).toBeUndefined();
  });
});

describe('verdictForStatus', () => {
  it.each([
    [408, 'retryable'],
    [429, 'limited'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [529, 'retryable'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'rejected'],
    [404, 'rejected'],
    [413, 'rejected'],
    [422, 'rejected'],
  ] as const)('%i → %s', (status, verdict) => {
    expect(verdictForStatus(status)[0]).toBe(verdict);
  });
});
