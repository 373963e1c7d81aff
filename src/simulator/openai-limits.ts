import type { LimitWire } from './limit-wire.js';
import { retryAfterSeconds } from './limit-wire.js';

/**
 * OpenAI's rate-limit headers (`x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as
 * durations until the limit is whole again), its 429 `rate_limit_exceeded` and its `insufficient_quota`.
 */
export const openaiLimits: LimitWire = {
  headers(view) {
    const headers: Record<string, string> = {};
    for (const dimension of ['requests', 'tokens'] as const) {
      const status = view[dimension];
      if (!status) continue;
      headers[`x-ratelimit-limit-${dimension}`] = String(status.limit);
      headers[`x-ratelimit-remaining-${dimension}`] = String(status.remaining);
      headers[`x-ratelimit-reset-${dimension}`] = goDuration(status.resetMs);
    }
    return headers;
  },
  rateLimited(facts) {
    const per = facts.dimension === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
    return {
      status: 429,
      headers: { 'x-request-id': facts.id, 'retry-after': String(retryAfterSeconds(facts.retryAfterMs)) },
      body: {
        error: {
          message:
            `Rate limit reached for ${facts.model} in organization org-simulated on ${per}: ` +
            `Limit ${facts.limit}, Used ${facts.used}, Requested ${facts.requested}. ` +
            `Please try again in ${secondsText(facts.retryAfterMs)}. ` +
            'Visit https://platform.openai.com/account/rate-limits to learn more.',
          type: facts.dimension,
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    };
  },
  quotaExhausted(facts) {
    return {
      status: 429,
      headers: { 'x-request-id': facts.id },
      body: {
        error: {
          message:
            'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    };
  },
};

/** A duration as Go prints it, as OpenAI's reset headers are: `0s`, `12ms`, `1.5s`, `6m0s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = `${trimmed((whole % 60_000) / 1000)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** The wait in OpenAI's messages: `20ms`, `9.816s`. */
function secondsText(ms: number): string {
  return ms < 1000 ? `${Math.max(1, Math.ceil(ms))}ms` : `${trimmed(ms / 1000)}s`;
}

function trimmed(value: number): string {
  return String(Number(value.toFixed(3)));
}
