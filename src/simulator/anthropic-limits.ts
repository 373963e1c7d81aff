import type { LimitWire } from './limit-wire.js';
import { retryAfterSeconds } from './limit-wire.js';
import type { LimitStatus } from './rate-limits.js';

/**
 * Anthropic's rate-limit headers (`anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-*`,
 * resets as RFC 3339 times when the limit is whole again), its 429 `rate_limit_error` with Retry-After,
 * and the 400 its API answers when the credit balance is spent. The simulator has one token limit, so
 * the input and output token headers report it too.
 */
export const anthropicLimits: LimitWire = {
  headers(view, now) {
    const headers: Record<string, string> = {};
    const set = (name: string, status: LimitStatus | undefined) => {
      if (!status) return;
      headers[`anthropic-ratelimit-${name}-limit`] = String(status.limit);
      headers[`anthropic-ratelimit-${name}-remaining`] = String(status.remaining);
      headers[`anthropic-ratelimit-${name}-reset`] = rfc3339(now + status.resetMs);
    };
    set('requests', view.requests);
    set('tokens', view.tokens);
    set('input-tokens', view.tokens);
    set('output-tokens', view.tokens);
    return headers;
  },
  rateLimited(facts) {
    const per = facts.dimension === 'requests' ? 'requests per minute' : 'tokens per minute';
    return {
      status: 429,
      headers: {
        'request-id': `req_${facts.id}`,
        'retry-after': String(retryAfterSeconds(facts.retryAfterMs)),
      },
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message:
            `This request would exceed the rate limit for your organization (simulated) of ${facts.limit.toLocaleString('en-US')} ${per}. ` +
            'For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. ' +
            'Please reduce the prompt length or the maximum tokens requested, or try again later.',
        },
        request_id: `req_${facts.id}`,
      },
    };
  },
  quotaExhausted(facts) {
    return {
      status: 400,
      headers: { 'request-id': `req_${facts.id}` },
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message:
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        },
        request_id: `req_${facts.id}`,
      },
    };
  },
};

/** RFC 3339 to the second, rounded up (the limit is whole by then): `2026-11-29T12:00:31Z`. */
function rfc3339(at: number): string {
  return new Date(Math.ceil(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
