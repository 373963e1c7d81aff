import { describe, expect, it } from 'vitest';
import { nextPacificMidnight, quotaExhaustionOf } from '../../src/providers/quota-error.js';

const now = Date.UTC(2026, 10, 29, 12, 0, 0);

const openaiQuota = {
  error: {
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};

const geminiError = (violations: object[], message = 'You exceeded your current quota.') => ({
  error: {
    code: 429,
    message,
    status: 'RESOURCE_EXHAUSTED',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '47s' },
    ],
  },
});

describe('quotaExhaustionOf', () => {
  it('recognises OpenAI insufficient_quota, parsed or as JSON text, by code or by type', () => {
    expect(quotaExhaustionOf(429, openaiQuota, now)).toEqual({
      reason: expect.stringMatching(/^insufficient_quota: You exceeded your current quota/),
    });
    expect(quotaExhaustionOf(429, JSON.stringify(openaiQuota), now)).toBeDefined();
    expect(
      quotaExhaustionOf(429, { error: { message: 'm', type: 'insufficient_quota', code: null } }, now),
    ).toBeDefined();
  });

  it('does not take an OpenAI rate limit for a quota', () => {
    const rateLimit = {
      error: {
        message:
          'Rate limit reached for gpt-4o on requests per min (RPM): Limit 3000, Used 3000, Requested 1.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
    expect(quotaExhaustionOf(429, rateLimit, now)).toBeUndefined();
  });

  it("recognises Anthropic's credit balance error and its billing_error", () => {
    const credit = {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message:
          'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
      },
      request_id: 'req_1',
    };
    expect(quotaExhaustionOf(400, credit, now)?.reason).toMatch(/credit balance/);
    expect(quotaExhaustionOf(400, JSON.stringify(credit), now)).toBeDefined();
    expect(
      quotaExhaustionOf(402, { type: 'error', error: { type: 'billing_error', message: 'x' } }, now),
    ).toEqual({ reason: 'billing_error: x' });
    const otherBadRequest = {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    };
    expect(quotaExhaustionOf(400, otherBadRequest, now)).toBeUndefined();
    const rateLimit = {
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of requests has exceeded your per-minute rate limit',
      },
    };
    expect(quotaExhaustionOf(429, rateLimit, now)).toBeUndefined();
  });

  it('recognises a Gemini per-day quota, resetting at the next midnight Pacific', () => {
    const body = geminiError([
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
        quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
      },
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
        quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
        quotaValue: '200',
      },
    ]);
    // 12:00Z on 29 November is 04:00 PST: the next midnight Pacific is 08:00Z on 30 November.
    expect(quotaExhaustionOf(429, body, now)).toEqual({
      reason: 'per-day quota GenerateRequestsPerDayPerProjectPerModel-FreeTier exhausted (limit 200)',
      resetAt: Date.UTC(2026, 10, 30, 8, 0, 0),
    });
    expect(quotaExhaustionOf(429, JSON.stringify([body]), now)).toBeDefined();
  });

  it('recognises a Gemini limit of 0, with no reset to wait for', () => {
    const body = geminiError(
      [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }],
      'You exceeded your current quota.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-3-pro\nPlease retry in 45.5s.',
    );
    expect(quotaExhaustionOf(429, body, now)).toEqual({ reason: expect.stringMatching(/limit: 0/) });
  });

  it('does not take a Gemini per-minute limit for a quota', () => {
    const body = geminiError(
      [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaValue: '2000' }],
      'Quota exceeded for metric: generativelanguage.googleapis.com/generate_requests_per_model, limit: 2000',
    );
    expect(quotaExhaustionOf(429, body, now)).toBeUndefined();
  });

  it('answers undefined for anything else, and never throws', () => {
    for (const body of [
      undefined,
      null,
      '',
      'not json',
      '{"error":',
      42,
      [],
      [1],
      { error: 'x' },
      { error: { details: 'x', status: 'RESOURCE_EXHAUSTED' } },
    ]) {
      expect(quotaExhaustionOf(429, body, now)).toBeUndefined();
    }
    expect(quotaExhaustionOf(500, { error: { message: 'boom', type: 'server_error' } }, now)).toBeUndefined();
  });
});

describe('nextPacificMidnight', () => {
  it.each([
    // PST (UTC-8).
    [Date.UTC(2026, 10, 29, 12, 0), Date.UTC(2026, 10, 30, 8, 0)],
    // 23:59 PST on the 29th, still the 29th in California.
    [Date.UTC(2026, 10, 30, 7, 59), Date.UTC(2026, 10, 30, 8, 0)],
    // Midnight exactly: the next one, a day later.
    [Date.UTC(2026, 10, 30, 8, 0), Date.UTC(2026, 11, 1, 8, 0)],
    // PDT (UTC-7) in July.
    [Date.UTC(2026, 6, 4, 20, 0), Date.UTC(2026, 6, 5, 7, 0)],
    // The day DST starts (8 March 2026): midnight before the change is still PST.
    [Date.UTC(2026, 2, 7, 20, 0), Date.UTC(2026, 2, 8, 8, 0)],
    // After the change that day: the next midnight is PDT.
    [Date.UTC(2026, 2, 8, 20, 0), Date.UTC(2026, 2, 9, 7, 0)],
    // The day DST ends (1 November 2026).
    [Date.UTC(2026, 10, 1, 20, 0), Date.UTC(2026, 10, 2, 8, 0)],
  ])('after %d comes %d', (at, midnight) => {
    expect(nextPacificMidnight(at)).toBe(midnight);
  });
});
