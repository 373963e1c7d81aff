import type { Attempt } from '../contract/attempt.js';
import type { ChainOutcome } from '../resilience/fallback-chain.js';

/** What a run of a job decides: the one value the applier turns into a BullMQ move. */
export type Verdict =
  /** An entry answered: the job completes with its result. */
  | { kind: 'complete'; outcome: Extract<ChainOutcome, { kind: 'completed' }> }
  /** Fail for good, no retry: every provider rejected it, its deadline passed, or `onAllOpen: fail`. */
  | { kind: 'fail'; reason: string }
  /** Calls failed while some provider of the chain is still closed: spend an attempt, back off. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /**
   * Every provider of the chain is open: delayed until `until`, no attempt spent. `probeAt` is when
   * the first of them admits a probe; `wakeable` when the fleet will wake the job at recovery.
   */
  | { kind: 'defer'; until: number; probeAt: number; reason: string; providers: string[]; wakeable: boolean }
  /**
   * No entry had capacity (a rate limit, concurrency, quota or budget) and nothing failed: delayed
   * until capacity frees (its wait slot), no attempt spent. Not an outage: the queue is not paused.
   */
  | { kind: 'wait'; until: number; reason: string; providers: string[] }
  /** The worker is closing or the job was cancelled mid-call: back to the queue, no attempt spent. */
  | { kind: 'hand-back'; reason: string };

/** What a job asked for when it cannot run as planned. */
export interface JobTerms {
  onAllOpen: 'defer' | 'fail';
  /** Epoch ms after which the job fails rather than wait any longer. */
  deadline?: number;
}

export interface VerdictContext {
  now: number;
  /** Whether the fleet will broadcast a recovery of one of these providers (and so wake the job). */
  willWake: (providers: readonly string[]) => boolean;
  /** A deferred job's own timer this long after the probe time when the fleet will wake it. */
  deferralSafetyMs: number;
  /** Already drawn: spreads deferred jobs' wake-ups so a recovering provider is not hit at once. */
  jitterMs: number;
  /** The longest a deferred job sleeps on its own timer. */
  maxDeferralMs: number;
}

/** A job whose deadline has passed before it runs fails at once; otherwise nothing is decided yet. */
export function verdictBeforeRun(terms: JobTerms, deadlineText: string | undefined, now: number) {
  if (terms.deadline !== undefined && now >= terms.deadline) {
    return { kind: 'fail', reason: `deadline exceeded (${deadlineText}) before the job could run` } as const;
  }
  return undefined;
}

/**
 * Turns the outcome of one walk of the chain into a verdict: complete, fail for good, retry, defer
 * without spending an attempt, or hand back. Pure: time and jitter come in as values.
 */
export function verdictFor(outcome: ChainOutcome, terms: JobTerms, context: VerdictContext): Verdict {
  switch (outcome.kind) {
    case 'completed':
      return { kind: 'complete', outcome };
    case 'all-rejected':
      return { kind: 'fail', reason: `every provider rejected the request: ${summarise(outcome.attempts)}` };
    case 'failed':
      return {
        kind: 'retry',
        reason: `${failedHow(outcome.attempts)}: ${summarise(outcome.attempts)}`,
        ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
      };
    case 'aborted':
      return { kind: 'hand-back', reason: 'aborted; returned to the queue' };
    case 'all-open':
      return allOpenVerdict(outcome, terms, context);
    case 'limited': {
      const reason = outcome.reasons.join(', ');
      if (terms.deadline !== undefined && outcome.until > terms.deadline) {
        return { kind: 'fail', reason: `deadline exceeded while waiting for capacity: ${reason}` };
      }
      const providers = [...new Set(outcome.attempts.map((attempt) => attempt.provider))];
      return { kind: 'wait', until: Math.max(outcome.until, context.now), reason, providers };
    }
    default:
      throw new Error(`unknown chain outcome ${JSON.stringify(outcome satisfies never)}`);
  }
}

function allOpenVerdict(
  outcome: Extract<ChainOutcome, { kind: 'all-open' }>,
  terms: JobTerms,
  context: VerdictContext,
): Verdict {
  const reason = outcome.reasons.join(', ');
  if (terms.onAllOpen === 'fail') return { kind: 'fail', reason: `every provider is unavailable: ${reason}` };
  if (terms.deadline !== undefined && outcome.until > terms.deadline) {
    return { kind: 'fail', reason: `deadline exceeded while every provider was unavailable: ${reason}` };
  }
  const providers = [...new Set(outcome.attempts.map((attempt) => attempt.provider))];
  const wakeable = context.willWake(providers);
  // Woken by the fleet when a provider recovers, the job's own timer is only a late safety net.
  const safetyMs = wakeable ? context.deferralSafetyMs : 0;
  const until = Math.min(
    outcome.until + safetyMs + context.jitterMs,
    terms.deadline ?? Number.POSITIVE_INFINITY,
    context.now + context.maxDeferralMs,
  );
  return { kind: 'defer', until, probeAt: outcome.until, reason, providers, wakeable };
}

/** Every answer missed the schema (each entry's errors follow), or calls failed. */
function failedHow(attempts: readonly Attempt[]): string {
  const called = attempts.filter((attempt) => !attempt.outcome.startsWith('skipped-'));
  return called.length > 0 && called.every((attempt) => attempt.outcome === 'invalid-output')
    ? 'no answer matched the output schema'
    : 'every call failed';
}

/** Each entry's outcome in a line: `openai/gpt-4.1-mini: retryable (server error)`. */
export function summarise(attempts: readonly Attempt[]): string {
  return attempts
    .map(
      (attempt) =>
        `${attempt.provider}/${attempt.model}: ${attempt.outcome}${attempt.error ? ` (${attempt.error})` : ''}`,
    )
    .join('; ');
}
