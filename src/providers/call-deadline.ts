import { timerAtLeast } from '../time/timer-at-least.js';
import { CallAbortedError } from './call-aborted-error.js';
import { type ClassifyContext, classifyError, timeoutError } from './classify-error.js';
import type { CallOptions } from './completion.js';

/**
 * Runs one provider call under its timeout and the caller's signal: past the timeout the request is
 * aborted (not abandoned) and ends in a `retryable` timeout; a caller's abort is `CallAbortedError`;
 * anything else is classified into a ProviderError, after `recognise` had its say.
 */
export async function withCallDeadline<T>(
  call: CallOptions,
  context: () => ClassifyContext,
  task: (signal: AbortSignal) => Promise<T>,
  recognise: (error: unknown, context: ClassifyContext) => Error | undefined = () => undefined,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  // Never early by the clock: a call timed out took its full timeout in its attempt's duration too.
  const cancelTimer = timerAtLeast(() => {
    timedOut = true;
    controller.abort();
  }, call.timeoutMs);
  const onCallerAbort = () => controller.abort(call.signal?.reason);
  call.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (call.signal?.aborted) onCallerAbort();
  try {
    return await task(controller.signal);
  } catch (error) {
    if (timedOut) throw timeoutError(context(), call.timeoutMs);
    if (call.signal?.aborted) throw new CallAbortedError(call.signal.reason);
    throw recognise(error, context()) ?? classifyError(error, context());
  } finally {
    cancelTimer();
    call.signal?.removeEventListener('abort', onCallerAbort);
  }
}
