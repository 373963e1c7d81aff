import type { ChainEntry } from '../config/schema.js';
import type { Attempt } from '../contract/attempt.js';
import { CallAbortedError } from '../providers/call-aborted-error.js';
import type { CompletionRequest, CompletionResult, LanguageModelAdapter } from '../providers/completion.js';
import { ProviderError } from '../providers/provider-error.js';
import { shutReason } from './chain-shut.js';
import type { Circuit } from './circuit.js';

export interface ResolvedEntry extends ChainEntry {
  /** The timeout for this entry: its own, else its provider's. */
  timeoutMs: number;
}

/** How one walk of a fallback chain ended. */
export type ChainOutcome =
  | {
      kind: 'completed';
      result: CompletionResult;
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
  request: CompletionRequest;
  /** Each provider's circuit (the registry, or an in-memory one in tests). */
  circuits: { get(provider: string): Circuit };
  adapter: (provider: string, model: string) => LanguageModelAdapter;
  signal?: AbortSignal;
  now?: () => number;
  /** Called after each attempt, e.g. to log a misconfigured provider. */
  onAttempt?: (attempt: Attempt) => void;
  /** Where the walk starts (entries before it already ran), with their attempts. @defaultValue 0 */
  from?: number;
  attempts?: readonly Attempt[];
  /**
   * Whether the job may use this batch entry (its deadline leaves the provider's window). Without
   * it, or when it says no, batch entries are passed over without an attempt.
   */
  batch?: (entry: ResolvedEntry) => boolean;
}

/**
 * Walks a chain in order through each provider's circuit: open entries are skipped without a call,
 * `rejected` moves on without blaming the provider, the first success wins. While another caller's
 * half-open probe is in flight, waits for its outcome instead of calling.
 */
export async function walkChain(options: WalkOptions): Promise<WalkOutcome> {
  const now = options.now ?? Date.now;
  const attempts: Attempt[] = [...(options.attempts ?? [])];
  const record = (attempt: Attempt) => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };

  for (const [index, entry] of options.chain.entries()) {
    if (index < (options.from ?? 0)) continue;
    if (options.signal?.aborted) return { kind: 'aborted', attempts };
    const circuit = options.circuits.get(entry.provider);
    if (entry.batch) {
      if (!options.batch?.(entry)) continue;
      const open = circuit.availability();
      if (open.kind !== 'open') return { kind: 'batch', entry, index, attempts };
      record(skippedOpen(entry, new Date(now()).toISOString(), open.reason));
      continue;
    }
    let availability = await circuit.admit();
    while (availability.kind === 'probing' && !options.signal?.aborted) {
      await circuit.probeSettled(entry.timeoutMs, options.signal);
      availability = await circuit.admit();
    }
    const started = now();
    const at = new Date(started).toISOString();
    if (availability.kind === 'open') {
      record(skippedOpen(entry, at, availability.reason));
      continue;
    }
    const adapter = options.adapter(entry.provider, entry.model);
    const call = await circuit.call(() =>
      adapter.complete(options.request, {
        timeoutMs: entry.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    const durationMs = now() - started;
    switch (call.kind) {
      case 'ok':
        record({ provider: entry.provider, model: entry.model, outcome: 'ok', at, durationMs });
        return { kind: 'completed', result: call.value, entry, index, attempts };
      case 'refused':
        record({
          provider: entry.provider,
          model: entry.model,
          outcome: 'skipped-open',
          at,
          durationMs,
          errorClass: 'breaker-open',
          error: 'breaker open',
        });
        break;
      case 'error': {
        if (CallAbortedError.is(call.error)) return { kind: 'aborted', attempts };
        const error = ProviderError.is(call.error) ? call.error : undefined;
        record({
          provider: entry.provider,
          model: entry.model,
          outcome: error?.verdict ?? 'retryable',
          at,
          durationMs,
          error: error?.message ?? String(call.error),
          ...(error ? { errorClass: error.code } : {}),
          ...(error?.status === undefined ? {} : { status: error.status }),
          ...(error?.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        });
        break;
      }
      default:
        throw new Error(`unknown circuit call ${JSON.stringify(call satisfies never)}`);
    }
  }
  return settle(options, attempts);
}

function skippedOpen(entry: ResolvedEntry, at: string, reason: string): Attempt {
  return {
    provider: entry.provider,
    model: entry.model,
    outcome: 'skipped-open',
    at,
    durationMs: 0,
    errorClass: 'breaker-open',
    error: reason,
  };
}

function settle(options: WalkOptions, attempts: Attempt[]): ChainOutcome {
  if (options.signal?.aborted) return { kind: 'aborted', attempts };
  if (
    attempts.length === options.chain.length &&
    attempts.every((attempt) => attempt.outcome === 'rejected')
  ) {
    return { kind: 'all-rejected', attempts };
  }
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
 * When every failed call came with a Retry-After, retrying before the shortest of them is pointless:
 * that is the least the next attempt waits. Otherwise the ordinary backoff decides.
 */
function shortestRetryAfter(attempts: Attempt[]): number | undefined {
  const failed = attempts.filter((attempt) => attempt.outcome === 'retryable' || attempt.outcome === 'auth');
  if (failed.length === 0 || failed.some((attempt) => attempt.retryAfterMs === undefined)) return undefined;
  return Math.min(...failed.map((attempt) => attempt.retryAfterMs ?? 0));
}
