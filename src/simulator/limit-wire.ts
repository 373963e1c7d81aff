import { anthropicLimits } from './anthropic-limits.js';
import { googleLimits } from './google-limits.js';
import { openaiLimits } from './openai-limits.js';
import type { LimitDimension, LimitView } from './rate-limits.js';
import type { Wire, WireReply } from './wire.js';

/** A call refused by a rate limit, as the reply needs it. */
export interface RateLimitFacts {
  id: string;
  model: string;
  dimension: LimitDimension;
  /** The per-minute figure. */
  limit: number;
  used: number;
  requested: number;
  /** Milliseconds until the call would fit. */
  retryAfterMs: number;
  now: number;
}

export interface QuotaFacts {
  id: string;
  model: string;
  now: number;
}

/** How one wire format reports rate limits and a spent quota. */
export interface LimitWire {
  /** The rate-limit headers of every response while limits are set (none for Gemini, as the real API). */
  headers(view: LimitView, now: number): Record<string, string>;
  rateLimited(facts: RateLimitFacts): WireReply;
  quotaExhausted(facts: QuotaFacts): WireReply;
}

const limitWires: Readonly<Record<Wire['name'], LimitWire>> = {
  openai: openaiLimits,
  anthropic: anthropicLimits,
  google: googleLimits,
};

export function limitWireOf(wire: Wire['name']): LimitWire {
  return limitWires[wire];
}

/** Retry-After in whole seconds, at least 1: the time until the call would fit. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
