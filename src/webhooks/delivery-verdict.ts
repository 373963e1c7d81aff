/** How one attempt to POST a webhook ended. */
export type DeliveryOutcome =
  /** The receiver answered with this HTTP status. */
  | { kind: 'answered'; status: number; durationMs: number }
  /** No answer: connection refused or reset, DNS failure, or nothing within `webhooks.timeoutMs`. */
  | { kind: 'no-answer'; error: string; durationMs: number }
  /** The URL's host resolved to an address webhooks may not reach (checked on every attempt). */
  | { kind: 'refused'; error: string; durationMs: number };

/** What happens to a delivery after an attempt. */
export type DeliveryVerdict =
  /** A 2xx: delivered, done. */
  | { kind: 'delivered' }
  /** A 410: the receiver wants no more; the delivery stops, failed, without retries. */
  | { kind: 'gone'; reason: string }
  /** Try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number; reason: string }
  /** No more retries: `webhooks.retryForMs` has run out, or the address is refused. */
  | { kind: 'give-up'; reason: string };

export interface RetryTerms {
  now: number;
  /** When the delivery was first enqueued: retries stop `retryForMs` after it. */
  firstAt: number;
  /** Attempts made so far, this one included (1 after the first). */
  attempts: number;
  retryForMs: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Already drawn, 0 to 1: spreads retries of many deliveries to one receiver. */
  jitter: number;
}

/**
 * Decides from one attempt's outcome: 2xx delivered, 410 stops, anything else is retried with
 * exponential backoff (halved to full by jitter, capped) until `retryForMs` after the first try; the
 * last retry is made at that moment. Pure: time and jitter come in as values.
 */
export function deliveryVerdict(outcome: DeliveryOutcome, terms: RetryTerms): DeliveryVerdict {
  const reason = describeOutcome(outcome);
  switch (outcome.kind) {
    case 'answered':
      if (outcome.status >= 200 && outcome.status < 300) return { kind: 'delivered' };
      if (outcome.status === 410) return { kind: 'gone', reason };
      break;
    case 'refused':
      return { kind: 'give-up', reason };
    case 'no-answer':
      break;
    default:
      throw new Error(`unknown delivery outcome ${JSON.stringify(outcome satisfies never)}`);
  }
  const left = terms.firstAt + terms.retryForMs - terms.now;
  if (left <= 0) return { kind: 'give-up', reason: `${reason}; gave up after ${terms.attempts} attempts` };
  const exponential = terms.backoffMs * 2 ** Math.min(terms.attempts - 1, 40);
  const backoff = Math.min(exponential, terms.maxBackoffMs) * (0.5 + terms.jitter / 2);
  return { kind: 'retry', delayMs: Math.max(1, Math.round(Math.min(backoff, left))), reason };
}

/** One attempt in words: `HTTP 503`, `no answer: connect ECONNREFUSED 10.0.0.5:80`. */
export function describeOutcome(outcome: DeliveryOutcome): string {
  switch (outcome.kind) {
    case 'answered':
      return `HTTP ${outcome.status}`;
    case 'no-answer':
      return `no answer: ${outcome.error}`;
    case 'refused':
      return outcome.error;
    default:
      throw new Error(`unknown delivery outcome ${JSON.stringify(outcome satisfies never)}`);
  }
}
