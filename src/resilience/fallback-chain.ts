import type { ChainEntry } from '../config/schema.js';
import type { Attempt } from '../contract/attempt.js';
import type { CallStrategy } from '../contract/job-input.js';
import type { LanguageModelAdapter } from '../providers/completion.js';
import type { ProviderError } from '../providers/provider-error.js';
import type { ProviderRequest, ProviderResult } from '../providers/run-request.js';
import { shutReason } from './chain-shut.js';
import type { Circuit } from './circuit.js';
import { entryAttempt } from './entry-attempt.js';
import { runLanes } from './lanes.js';
import type { Refusal } from './refusal.js';

export interface ResolvedEntry extends ChainEntry {
  /** The timeout for this entry: its own, else its provider's. */
  timeoutMs: number;
}

/** How one walk of a fallback chain ended. */
export type ChainOutcome =
  | {
      kind: 'completed';
      result: ProviderResult;
      entry: ResolvedEntry;
      index: number;
      attempts: Attempt[];
      /** Set when a provider batch served the job (at the batch price). */
      batch?: { id: string };
    }
  /** Every entry was called and every one rejected the request: it cannot be served anywhere. */
  | { kind: 'all-rejected'; attempts: Attempt[] }
  /** Every entry's provider is open now: `until` is the earliest a probe will be admitted. */
  | { kind: 'all-open'; until: number; reasons: string[]; attempts: Attempt[] }
  /**
   * No entry could take the job for a limit (rate, concurrency, quota, budget), or an entry that
   * says `onLimit: wait` had none, and no call failed: wait for capacity, no attempt spent.
   * `refusal` is the limit that frees first (its wait slot spreads waiting jobs).
   */
  | { kind: 'limited'; until: number; reasons: string[]; refusal: Refusal | undefined; attempts: Attempt[] }
  /** Calls failed but some provider of the chain is still closed: an ordinary retry. */
  | { kind: 'failed'; retryAfterMs?: number; attempts: Attempt[] }
  | { kind: 'aborted'; attempts: Attempt[] };

/** The walk reached a batch entry the job may use: it joins that provider's next batch. */
export interface BatchStop {
  kind: 'batch';
  entry: ResolvedEntry;
  index: number;
  attempts: Attempt[];
}

/** How a walk ended: a chain outcome, or a stop at a batch entry. */
export type WalkOutcome = ChainOutcome | BatchStop;

export interface WalkOptions {
  chain: readonly ResolvedEntry[];
  request: ProviderRequest;
  /** Each provider's circuit (the registry, or an in-memory one in tests). */
  circuits: { get(provider: string): Circuit };
  adapter: (provider: string, model: string) => LanguageModelAdapter;
  signal?: AbortSignal;
  now?: () => number;
  /** Called after each attempt, e.g. to log a misconfigured provider. */
  onAttempt?: (attempt: Attempt) => void;
  /** Fleet-wide limits: each call reserves capacity first. Without it, nothing is limited. */
  admission?: EntryAdmission;
  /** How many entries are called at once. @defaultValue sequential */
  strategy?: CallStrategy;
  /** Where the walk starts (entries before it already ran), with their attempts. @defaultValue 0 */
  from?: number;
  attempts?: readonly Attempt[];
  /**
   * Whether the job may use this batch entry (its deadline leaves the provider's window). Without
   * it, or when it says no, batch entries are passed over without an attempt.
   */
  batch?: (entry: ResolvedEntry) => boolean;
}

/** Admission as the walk needs it, for one job: reserve before a call, settle after. */
export interface EntryAdmission {
  admit(entry: ResolvedEntry): Promise<EntryAdmit>;
  /** The provider answered that it is limited (429) or out of quota: block, and say until when. */
  limited(entry: ResolvedEntry, error: ProviderError): Promise<Refusal>;
}

export type EntryAdmit =
  | { kind: 'admitted'; settle: (result: ProviderResult | undefined) => void; cancel: () => void }
  | { kind: 'refused'; refusal: Refusal };

/**
 * Walks a chain through each provider's circuit: open entries are skipped without a call, `rejected`
 * moves on without blaming the provider, the first success wins. While another caller's half-open
 * probe is in flight, waits for its outcome instead of calling. The strategy says how many entries
 * are called at once: one after another (`sequential`), the first two available at once (`race`), or
 * the next one only when the current one has not answered within `hedgeAfterMs`.
 */
export async function walkChain(options: WalkOptions): Promise<WalkOutcome> {
  const attempts: Attempt[] = [...(options.attempts ?? [])];
  const refusals: Refusal[] = [];
  const tryEntry = entryAttempt(options, attempts, refusals);
  // A batch entry the job may use ends the walk there: the entries before it run first, in lanes.
  let from = options.from ?? 0;
  for (;;) {
    const stop = usableBatchEntry(options, from);
    const end =
      stop === from
        ? ({ kind: 'exhausted' } as const)
        : await runLanes({
            entries: stop - from,
            strategy: options.strategy ?? 'sequential',
            // A batch entry this job may not use is passed over without an attempt. (A method: a
            // named closure per walk costs a rename under tsx's keepNames.)
            attempt(offset, lane, calling) {
              return options.chain[from + offset]?.batch
                ? Promise.resolve({ kind: 'next' })
                : tryEntry(from + offset, lane, calling);
            },
            ...(options.signal ? { signal: options.signal } : {}),
          });
    switch (end.kind) {
      case 'ok': {
        const index = from + end.index;
        const entry = options.chain[index];
        if (!entry) throw new Error(`no chain entry ${index}`);
        return { kind: 'completed', result: end.result, entry, index, attempts };
      }
      case 'aborted':
        return { kind: 'aborted', attempts };
      case 'wait':
        return {
          kind: 'limited',
          until: end.refusal.until,
          reasons: [end.refusal.reason],
          refusal: end.refusal,
          attempts,
        };
      case 'exhausted': {
        const entry = options.chain[stop];
        if (!entry) return settle(options, attempts, refusals);
        const availability = options.circuits.get(entry.provider).availability();
        if (availability.kind !== 'open') return { kind: 'batch', entry, index: stop, attempts };
        const skipped: Attempt = {
          provider: entry.provider,
          model: entry.model,
          outcome: 'skipped-open',
          at: new Date((options.now ?? Date.now)()).toISOString(),
          durationMs: 0,
          errorClass: 'breaker-open',
          error: availability.reason,
        };
        attempts.push(skipped);
        options.onAttempt?.(skipped);
        from = stop + 1;
        break;
      }
      default:
        throw new Error(`unknown walk end ${JSON.stringify(end satisfies never)}`);
    }
  }
}

/** The first batch entry at or after `from` that the job may use; the chain's length when none. */
function usableBatchEntry(options: WalkOptions, from: number): number {
  for (let index = from; index < options.chain.length; index += 1) {
    const entry = options.chain[index];
    if (entry?.batch && options.batch?.(entry)) return index;
  }
  return options.chain.length;
}

function settle(options: WalkOptions, attempts: Attempt[], refusals: readonly Refusal[]): ChainOutcome {
  if (options.signal?.aborted) return { kind: 'aborted', attempts };
  if (
    attempts.length === options.chain.length &&
    attempts.every((attempt) => attempt.outcome === 'rejected')
  ) {
    return { kind: 'all-rejected', attempts };
  }
  const failedCall = attempts.some(
    (attempt) => attempt.outcome === 'retryable' || attempt.outcome === 'auth',
  );
  if (refusals.length > 0 && !failedCall) return waitForCapacity(options, attempts, refusals);
  const reasons: string[] = [];
  let until = Number.POSITIVE_INFINITY;
  for (const entry of options.chain) {
    const availability = options.circuits.get(entry.provider).availability();
    if (availability.kind !== 'open') {
      const retryAfterMs = shortestRetryAfter(attempts);
      return { kind: 'failed', attempts, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    if (availability.until < until) until = availability.until;
    reasons.push(shutReason(entry.provider, availability.until, availability.reason));
  }
  return { kind: 'all-open', until, reasons: [...new Set(reasons)], attempts };
}

/**
 * Nothing could take the job now and nothing failed: some entries had no capacity, the others were
 * open or rejected it. It waits for the first entry that frees: a limit's end, or a probe.
 */
function waitForCapacity(
  options: WalkOptions,
  attempts: Attempt[],
  refusals: readonly Refusal[],
): ChainOutcome {
  let first = refusals[0];
  for (const refusal of refusals) if (first === undefined || refusal.until < first.until) first = refusal;
  let until = first?.until ?? Number.POSITIVE_INFINITY;
  const reasons = refusals.map((refusal) => refusal.reason);
  let probeFirst = false;
  for (const entry of options.chain) {
    const availability = options.circuits.get(entry.provider).availability();
    if (availability.kind !== 'open') continue;
    reasons.push(shutReason(entry.provider, availability.until, availability.reason));
    if (availability.until < until) {
      until = availability.until;
      probeFirst = true;
    }
  }
  return {
    kind: 'limited',
    until,
    reasons: [...new Set(reasons)],
    refusal: probeFirst ? undefined : first,
    attempts,
  };
}

/**
 * When every failed call came with a Retry-After, retrying before the shortest of them is pointless:
 * that is the least the next attempt waits. Otherwise the ordinary backoff decides.
 */
function shortestRetryAfter(attempts: Attempt[]): number | undefined {
  const failed = attempts.filter((attempt) => attempt.outcome === 'retryable' || attempt.outcome === 'auth');
  if (failed.length === 0 || failed.some((attempt) => attempt.retryAfterMs === undefined)) return undefined;
  return Math.min(...failed.map((attempt) => attempt.retryAfterMs ?? 0));
}
