import { hasBrand } from '../errors/brand.js';
/**
 * The one error a provider call can end in. It carries its own verdict, so the breaker, the
 * fallback chain and the queue decide what to do from data, never from message text:
 *
 * - `retryable`: the provider could not serve now (network, timeout, 408, 429, 5xx, 529).
 *   Counts against the provider's breaker; the job may try the next provider or later.
 * - `auth`: the provider refused our credentials (401/403). The provider is misconfigured:
 *   counts against its breaker and is logged as such.
 * - `rejected`: this request cannot be served here (400/404/413/422: bad model, context too long,
 *   content policy, a structured answer blocked by a content filter). Not the provider's fault:
 *   never counts against its breaker.
 * - `limited`: a 429: the provider is up and says we are over a rate limit. A limit, not an outage:
 *   never counts against its breaker; admission holds the model back until the limit resets.
 * - `quota`: the account's quota or credit is exhausted (OpenAI `insufficient_quota`, Anthropic
 *   billing, Gemini per-day `RESOURCE_EXHAUSTED`): no calls until the quota resets; not an outage.
 * - `invalid-output`: the provider answered, but a structured answer is not JSON, does not match the
 *   schema or was cut off. The provider is up: never counts against its breaker; the next entry may
 *   do better, and a later attempt may too.
 */
export type ProviderVerdict = 'retryable' | 'auth' | 'rejected' | 'limited' | 'quota' | 'invalid-output';

export type ProviderErrorCode =
  | 'network'
  | 'timeout'
  | 'rate-limited'
  | 'quota-exhausted'
  | 'overloaded'
  | 'server-error'
  | 'invalid-response'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-request'
  | 'not-found'
  | 'too-large'
  | 'unprocessable'
  | 'content-filter'
  | 'unparseable-output'
  | 'schema-mismatch'
  | 'truncated-output';

export interface ProviderErrorDetails {
  verdict: ProviderVerdict;
  code: ProviderErrorCode;
  provider: string;
  model: string;
  message: string;
  /** HTTP status when the provider answered at all. */
  status?: number;
  /** How long the provider asked us to wait (Retry-After, retry-after-ms or Gemini RetryInfo). */
  retryAfterMs?: number;
  /** The answer's rate-limit headers (`x-ratelimit-*`, `anthropic-ratelimit-*`): what it said of its limits. */
  rateLimitHeaders?: Readonly<Record<string, string>>;
}

const brand = Symbol.for('breakwater.ProviderError');

export class ProviderError extends Error {
  readonly [brand] = true;
  override readonly name = 'ProviderError';
  readonly verdict: ProviderVerdict;
  readonly code: ProviderErrorCode;
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitHeaders: Readonly<Record<string, string>> | undefined;

  constructor(details: ProviderErrorDetails) {
    super(details.message);
    this.verdict = details.verdict;
    this.code = details.code;
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.rateLimitHeaders = details.rateLimitHeaders;
  }

  /** Recognised by brand, so it survives duplicated package copies and realms. */
  static is(error: unknown): error is ProviderError {
    return hasBrand(error, brand);
  }

  /** Whether this outcome counts as a failure of the provider (and so against its breaker). */
  get countsAgainstProvider(): boolean {
    return this.verdict === 'retryable' || this.verdict === 'auth';
  }

  toJSON(): ProviderErrorDetails {
    return {
      verdict: this.verdict,
      code: this.code,
      provider: this.provider,
      model: this.model,
      message: this.message,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}
