import type { LimitWire } from './limit-wire.js';
import { retryAfterSeconds } from './limit-wire.js';

const help = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [
    {
      description: 'Learn more about Gemini API quotas',
      url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
    },
  ],
};

const preamble =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ';

/** What the simulator reports as the free tier's daily request quota when it is spent. */
const freeTierRequestsPerDay = 250;

/**
 * Gemini sends no rate-limit headers; a limit or a spent quota is a 429 RESOURCE_EXHAUSTED whose
 * `google.rpc.QuotaFailure` names the quota (per minute, or per day for a spent daily quota) and whose
 * `google.rpc.RetryInfo` says when to retry.
 */
export const googleLimits: LimitWire = {
  headers() {
    return {};
  },
  rateLimited(facts) {
    const requests = facts.dimension === 'requests';
    const metric = requests
      ? 'generativelanguage.googleapis.com/generate_content_paid_tier_requests'
      : 'generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count';
    const quotaId = requests
      ? 'GenerateRequestsPerMinutePerProjectPerModel'
      : 'GenerateContentPaidTierInputTokensPerModelPerMinute';
    return exhausted(metric, quotaId, facts.limit, facts.model, retryAfterSeconds(facts.retryAfterMs));
  },
  quotaExhausted(facts) {
    // Gemini's RetryInfo on a spent daily quota is short (seconds), though nothing passes before the
    // day resets at midnight Pacific time: only the quota's id says so.
    const untilNextMinute = Math.max(1, Math.ceil((60_000 - (facts.now % 60_000)) / 1000));
    return exhausted(
      'generativelanguage.googleapis.com/generate_content_free_tier_requests',
      'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      freeTierRequestsPerDay,
      facts.model,
      untilNextMinute,
    );
  },
};

function exhausted(metric: string, quotaId: string, limit: number, model: string, retrySeconds: number) {
  return {
    status: 429,
    headers: {},
    body: {
      error: {
        code: 429,
        message: `${preamble}\n* Quota exceeded for metric: ${metric}, limit: ${limit}, model: ${model}\nPlease retry in ${retrySeconds}s.`,
        status: 'RESOURCE_EXHAUSTED',
        details: [
          help,
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric: metric,
                quotaId,
                quotaDimensions: { location: 'global', model },
                quotaValue: String(limit),
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retrySeconds}s` },
        ],
      },
    },
  };
}
