import type { Attempt } from '../contract/attempt.js';
import type { Logger } from '../logging/logger.js';

/** The job's logger, a child made only when something is said (most jobs log nothing). */
export function lazyChild(logger: Logger, jobId: string | undefined): () => Logger {
  let child: Logger | undefined;
  return () => {
    child ??= logger.child({ jobId });
    return child;
  };
}

/** Logs the attempts worth a line: failures and skips for a limit always, the rest at debug. */
export function attemptLogger(log: () => Logger, debug: boolean): (attempt: Attempt) => void {
  return (attempt) => {
    if ((attempt.outcome !== 'ok' && attempt.outcome !== 'skipped-limit') || debug) logAttempt(log, attempt);
  };
}

function logAttempt(log: () => Logger, attempt: Attempt): void {
  const fields = {
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    durationMs: attempt.durationMs,
    errorClass: attempt.errorClass,
    status: attempt.status,
  };
  if (attempt.outcome === 'auth') {
    log().error(
      { ...fields, error: attempt.error },
      `provider ${attempt.provider} is misconfigured: its credentials were refused`,
    );
  } else if (
    attempt.outcome === 'retryable' ||
    attempt.outcome === 'rejected' ||
    attempt.outcome === 'invalid-output'
  ) {
    log().warn({ ...fields, error: attempt.error }, 'provider call failed');
  } else {
    log().debug(fields, 'provider attempt');
  }
}
