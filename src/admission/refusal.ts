import type { Refusal } from '../resilience/refusal.js';
import type { AdmissionPlan } from './admission-plan.js';
import type { AdmitRefusal } from './admission-scripts.js';
import { windowName } from './budget-window.js';

export type { Refusal, RefusalClass } from '../resilience/refusal.js';

/** How long a job waits for a concurrency slot before it looks again (a call's end is not known). */
export const concurrencyRetryMs = 250;

/**
 * A refusal in words, from the script's reply and the plan it checked. Pure:
 * `openai rate limit: 0 of 500 requests left until 12:00:31Z`,
 * `evals budget: $5.00 of $5.00 spent this hour, resets 13:00Z`.
 */
export function describeRefusal(
  refusal: AdmitRefusal,
  plan: AdmissionPlan,
  now: number,
): Omit<Refusal, 'slot'> & { spacing: number } {
  switch (refusal.kind) {
    case 'blocked': {
      const rate = plan.rates[refusal.index];
      return {
        errorClass: refusal.block === 'quota' ? 'quota' : 'rate-limit',
        until: refusal.until,
        reason: refusal.why || `${rate?.label ?? 'provider'} limited until ${clock(refusal.until)}`,
        spacing: 0,
      };
    }
    case 'rate': {
      const rate = plan.rates[refusal.index];
      return {
        errorClass: 'rate-limit',
        until: refusal.until,
        reason: `${rate?.label ?? 'provider'} rate limit: ${refusal.left} of ${round(refusal.limit)} ${rate?.unit ?? 'requests'} left until ${clock(refusal.until)}`,
        spacing: refusal.spacing,
      };
    }
    case 'lease': {
      const lease = plan.leases[refusal.index];
      const limit = lease?.limit ?? refusal.inFlight;
      return {
        errorClass: 'concurrency',
        until: now + concurrencyRetryMs,
        reason: `${lease?.label ?? 'provider'} concurrency: ${refusal.inFlight} of ${limit} calls in flight`,
        spacing: Math.max(1, Math.ceil(concurrencyRetryMs / Math.max(1, limit))),
      };
    }
    case 'budget': {
      const budget = plan.budgets[refusal.index];
      if (!budget) {
        return { errorClass: 'budget', until: now + 60_000, reason: 'budget spent', spacing: 0 };
      }
      return {
        errorClass: 'budget',
        until: budget.window.end,
        reason: `${budget.name} budget: ${usd(Math.min(refusal.spent, budget.usd))} of ${usd(budget.usd)} spent ${windowName(budget.per)}, resets ${resetTime(budget.window.end, now)}`,
        spacing: 0,
      };
    }
    default:
      throw new Error(`unknown refusal ${JSON.stringify(refusal satisfies never)}`);
  }
}

/** `12:00:31Z`. */
export function clock(at: number): string {
  return `${new Date(at).toISOString().slice(11, 19)}Z`;
}

/** `13:00Z` within a day, else `2026-12-01T00:00Z`. */
function resetTime(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  return at - now <= 86_400_000 ? `${iso.slice(11, 16)}Z` : `${iso.slice(0, 16)}Z`;
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
