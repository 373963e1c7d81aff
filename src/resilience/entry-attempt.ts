import type { Attempt } from '../contract/attempt.js';
import { CallAbortedError } from '../providers/call-aborted-error.js';
import { ProviderError } from '../providers/provider-error.js';
import { runRequest } from '../providers/run-request.js';
import type { EntryAdmit, WalkOptions } from './fallback-chain.js';
import type { LaneStep } from './lanes.js';
import type { Refusal } from './refusal.js';

/**
 * One attempt at one entry of a chain, as a lane runs it: admission, the breaker (waiting out
 * another caller's probe), the call, and the attempt recorded. `lane` aborts a call that lost a race:
 * it is recorded as `lost-race`, never as a failure, and its breaker counts it as neither.
 */
export function entryAttempt(options: WalkOptions, attempts: Attempt[], refusals: Refusal[]) {
  const now = options.now ?? Date.now;
  // Per walk, so no named closures here (tsx's keepNames renames each one it makes). Attempts are
  // written out field by field: on Node 20, `{ ...where, outcome }` (a spread of a non-empty object
  // first, then new keys) takes microseconds where a literal takes nanoseconds.
  const record = recorder(options, attempts);

  return async (
    index: number,
    lane: AbortSignal,
    calling: () => void = () => undefined,
  ): Promise<LaneStep> => {
    const entry = options.chain[index];
    if (!entry) throw new Error(`no chain entry ${index}`);
    if (jobAborted(options)) return { kind: 'aborted' };
    const circuit = options.circuits.get(entry.provider);
    let ticket: Extract<EntryAdmit, { kind: 'admitted' }> | undefined;
    if (options.admission && circuit.availability().kind !== 'open') {
      const admit = await options.admission.admit(entry);
      if (admit.kind === 'refused') {
        record({
          provider: entry.provider,
          model: entry.model,
          outcome: 'skipped-limit',
          at: new Date(now()).toISOString(),
          durationMs: 0,
          errorClass: admit.refusal.errorClass,
          error: admit.refusal.reason,
        });
        if (entry.onLimit === 'wait') return { kind: 'wait', refusal: admit.refusal };
        refusals.push(admit.refusal);
        return { kind: 'next' };
      }
      ticket = admit;
    }
    let availability = await circuit.admit();
    while (availability.kind === 'probing' && !jobAborted(options) && !lane.aborted) {
      await circuit.probeSettled(entry.timeoutMs, lane);
      availability = await circuit.admit();
    }
    const started = now();
    const at = new Date(started).toISOString();
    if (availability.kind === 'open' || (availability.kind === 'probing' && lane.aborted)) {
      ticket?.cancel();
      if (availability.kind === 'open') {
        record({
          provider: entry.provider,
          model: entry.model,
          outcome: 'skipped-open',
          at,
          durationMs: 0,
          errorClass: 'breaker-open',
          error: availability.reason,
        });
      }
      return { kind: 'next' };
    }
    const adapter = options.adapter(entry.provider, entry.model);
    calling();
    const call = await circuit.call(() =>
      runRequest(adapter, options.request, { timeoutMs: entry.timeoutMs, signal: lane }),
    );
    const durationMs = now() - started;
    ticket?.settle(call.kind === 'ok' ? call.value : undefined);
    switch (call.kind) {
      case 'ok':
        if (lane.aborted && !jobAborted(options)) {
          // It answered, but another entry had already won: kept, with what it used.
          record({
            provider: entry.provider,
            model: entry.model,
            outcome: 'lost-race',
            at,
            durationMs,
            inputTokens: call.value.usage.inputTokens,
            outputTokens: call.value.usage.outputTokens,
          });
          return { kind: 'next' };
        }
        record({ provider: entry.provider, model: entry.model, outcome: 'ok', at, durationMs });
        return { kind: 'ok', result: call.value };
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
        return { kind: 'next' };
      case 'error': {
        if (CallAbortedError.is(call.error)) {
          if (jobAborted(options)) return { kind: 'aborted' };
          record({
            provider: entry.provider,
            model: entry.model,
            outcome: 'lost-race',
            at,
            durationMs,
            error: 'aborted: another entry answered first',
          });
          return { kind: 'next' };
        }
        const error = ProviderError.is(call.error) ? call.error : undefined;
        const limited =
          error && options.admission && (error.verdict === 'limited' || error.verdict === 'quota')
            ? await options.admission.limited(entry, error)
            : undefined;
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
        if (limited) {
          if (entry.onLimit === 'wait') return { kind: 'wait', refusal: limited };
          refusals.push(limited);
        }
        return { kind: 'next' };
      }
      default:
        throw new Error(`unknown circuit call ${JSON.stringify(call satisfies never)}`);
    }
  };
}

/** Keeps an attempt in the walk's list and tells the walk's listener. */
function recorder(options: WalkOptions, attempts: Attempt[]): (attempt: Attempt) => void {
  return (attempt) => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };
}

/** Whether the job itself was aborted (cancelled, or the worker is closing). */
function jobAborted(options: WalkOptions): boolean {
  return options.signal?.aborted === true;
}
