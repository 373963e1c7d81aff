import { type LearnedLimit, learnedLimitsOf } from '../providers/rate-limit-headers.js';
import type { ReadReportedLimits } from './admission.js';

/**
 * What admission keeps of a provider's rate-limit headers: its requests and tokens per minute with
 * what remains, and the latest reset among them (a 429 holds the model back until then). Tokens are
 * the combined figure, or the input-token one where a provider (Anthropic) splits them.
 */
export const readReportedLimits: ReadReportedLimits = (headers, now) => {
  const learned = learnedLimitsOf(headers, now);
  if (!learned) return undefined;
  const tokens = learned.tokens ?? learned.inputTokens;
  const pick = (limit: LearnedLimit | undefined) =>
    limit ? { limit: limit.limit, remaining: limit.remaining } : undefined;
  const resets = [learned.requests, tokens]
    .filter((limit): limit is LearnedLimit => limit !== undefined && limit.remaining <= 0)
    .map((limit) => limit.resetAt);
  const requests = pick(learned.requests);
  const tokenLimits = pick(tokens);
  return {
    ...(requests ? { requests } : {}),
    ...(tokenLimits ? { tokens: tokenLimits } : {}),
    ...(resets.length > 0 ? { resetAt: Math.max(...resets) } : {}),
  };
};
