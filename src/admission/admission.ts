import type { AdmissionCall, CallPlace, LimitScope } from './admission-plan.js';
import type { BlockKind } from './admission-scripts.js';
import type { Refusal } from './refusal.js';

/** A reservation held by a call in flight, given back (and corrected) when it ends. */
export interface AdmissionTicket {
  readonly call: AdmissionCall;
}

export type AdmissionDecision =
  | { kind: 'admitted'; ticket: AdmissionTicket }
  | { kind: 'refused'; refusal: Refusal };

/** What a call really used, from the provider's answer. */
export interface CallUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/** What a provider's rate-limit headers said about a model: limits per minute and what remains. */
export interface ReportedLimits {
  requests?: { limit: number; remaining: number };
  tokens?: { limit: number; remaining: number };
}

/** Reads what a provider's rate-limit headers say (limits per minute, remaining, reset). */
export type ReadReportedLimits = (
  headers: Readonly<Record<string, string>>,
  now: number,
) => (ReportedLimits & { resetAt?: number }) | undefined;

/**
 * Fleet-wide admission: every call reserves its requests, tokens, concurrency, tenant caps and
 * budgets in one atomic step before it is sent, and settles them from its usage after.
 */
export interface Admission {
  /**
   * Whether a call here reserves nothing now (no limit, cap or budget applies, and the provider has
   * reported none): its `admit` would admit it at once and its `settle` would do nothing, so the
   * caller may skip both. @defaultValue never (always admit)
   */
  free?(place: CallPlace): boolean;
  admit(call: AdmissionCall): Promise<AdmissionDecision>;
  /** The call ended: release its concurrency, correct its tokens and cost from what it used. */
  settle(ticket: AdmissionTicket, usage: CallUsage | undefined): Promise<void>;
  /** The provider reported its limits for this model. */
  learn(provider: string, model: string, reported: ReportedLimits): Promise<void>;
  /** No call in this scope until `until` (a 429, an exhausted quota). */
  block(scope: LimitScope, kind: BlockKind, until: number, why: string): Promise<void>;
  /** A waiting job's turn: the next free slot of the limit that refused it, at or after its `until`. */
  waitSlot(refusal: Refusal): Promise<number>;
}
