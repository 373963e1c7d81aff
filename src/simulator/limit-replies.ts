import type { Decision } from './decide.js';
import { countsAgainstLimits, type LimitLedger } from './limit-ledger.js';
import { limitWireOf } from './limit-wire.js';
import type { SimulatedProfile } from './profile.js';
import type { Route } from './routing.js';
import type { WireReply } from './wire.js';

/**
 * Charges a call to its provider's limits, when it has some and the call counts against them: a
 * 429 in the provider's format when the call does not fit (answered at once), else undefined.
 */
export function limitedReply(
  limits: LimitLedger,
  route: Route,
  profile: SimulatedProfile,
  decision: Decision,
  model: string,
  tokens: number,
  id: string,
  at: number,
): WireReply | undefined {
  if (!profile.limits || !countsAgainstLimits(decision)) return undefined;
  const admission = limits.admit(route.provider, model, profile.limits, { requests: 1, tokens }, at);
  if (admission.kind === 'admitted') return undefined;
  const wire = limitWireOf(route.wire.name);
  const { dimension, limit, used, requested, retryAfterMs } = admission;
  const reply = wire.rateLimited({ id, model, dimension, limit, used, requested, retryAfterMs, now: at });
  return { ...reply, headers: { ...reply.headers, ...wire.headers(admission.view, at) } };
}

/**
 * Every response carries the rate-limit headers of its wire format while the provider has limits,
 * as they stand when it is sent.
 */
export function withLimitHeaders(
  desk: { limits: LimitLedger; now: () => number },
  reply: WireReply,
  route: Route,
  profile: SimulatedProfile,
  model: string,
): WireReply {
  if (!profile.limits) return reply;
  const at = desk.now();
  const view = desk.limits.view(route.provider, model, profile.limits, at);
  return { ...reply, headers: { ...reply.headers, ...limitWireOf(route.wire.name).headers(view, at) } };
}
