import { APICallError } from 'ai';
import { knownSecrets } from '../logging/known-secrets.js';
import { pickRateLimitHeaders } from './pick-rate-limit-headers.js';
import { ProviderError, type ProviderErrorCode, type ProviderVerdict } from './provider-error.js';
import { quotaExhaustionOf } from './quota-error.js';
import { googleErrorDetails, parseRetryAfter } from './retry-after.js';

export interface ClassifyContext {
  provider: string;
  model: string;
  now: number;
  /** Secrets that must never appear in an error message (provider keys). */
  redact: readonly string[];
}

/**
 * Turns whatever a provider call threw into a ProviderError with a verdict. Recognises the AI SDK's
 * APICallError by its brand and reads status, headers and body; never inspects message text.
 */
export function classifyError(error: unknown, context: ClassifyContext): ProviderError {
  if (ProviderError.is(error)) return error;
  if (APICallError.isInstance(error)) return fromApiCallError(error, context);
  return build(context, 'retryable', 'invalid-response', describe(error));
}

/** The call was aborted because it ran past its timeout. */
export function timeoutError(context: ClassifyContext, timeoutMs: number): ProviderError {
  return build(context, 'retryable', 'timeout', `no answer within ${timeoutMs} ms; the call was aborted`);
}

function fromApiCallError(error: APICallError, context: ClassifyContext): ProviderError {
  const status = error.statusCode;
  const message = providerMessage(error);
  if (status === undefined) {
    return build(context, 'retryable', 'network', message);
  }
  const rateLimitHeaders = pickRateLimitHeaders(error.responseHeaders);
  const quota = quotaExhaustionOf(status, error.responseBody, context.now);
  if (quota) {
    const resetInMs = quota.resetAt === undefined ? undefined : Math.max(0, quota.resetAt - context.now);
    return build(context, 'quota', 'quota-exhausted', message, status, resetInMs, rateLimitHeaders);
  }
  const retryAfterMs = parseRetryAfter(error.responseHeaders, error.responseBody, context.now);
  const [verdict, code] = verdictForStatus(status, error.responseBody);
  return build(context, verdict, code, message, status, retryAfterMs, rateLimitHeaders);
}

export function verdictForStatus(status: number, body?: unknown): [ProviderVerdict, ProviderErrorCode] {
  if (status === 401) return ['auth', 'unauthorized'];
  if (status === 403) return ['auth', 'forbidden'];
  if (status === 408) return ['retryable', 'timeout'];
  if (status === 429) return ['limited', 'rate-limited'];
  if (status === 529 || status === 503) return ['retryable', 'overloaded'];
  if (status >= 500) return ['retryable', 'server-error'];
  if (status === 409) return ['retryable', 'server-error'];
  if (status === 400 && isGoogleInvalidKey(body)) return ['auth', 'unauthorized'];
  if (status === 404) return ['rejected', 'not-found'];
  if (status === 413) return ['rejected', 'too-large'];
  if (status === 422) return ['rejected', 'unprocessable'];
  return ['rejected', 'bad-request'];
}

/** Gemini answers a bad key with 400 INVALID_ARGUMENT and an ErrorInfo reason API_KEY_INVALID. */
function isGoogleInvalidKey(body: unknown): boolean {
  return googleErrorDetails(body).some(
    (detail) =>
      detail['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo' && detail.reason === 'API_KEY_INVALID',
  );
}

function providerMessage(error: APICallError): string {
  const data = error.data;
  if (typeof data === 'object' && data !== null) {
    const nested = (data as { error?: { message?: unknown } }).error?.message;
    if (typeof nested === 'string') return nested;
  }
  return error.message;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function build(
  context: ClassifyContext,
  verdict: ProviderVerdict,
  code: ProviderErrorCode,
  message: string,
  status?: number,
  retryAfterMs?: number,
  rateLimitHeaders?: Record<string, string>,
): ProviderError {
  return new ProviderError({
    verdict,
    code,
    provider: context.provider,
    model: context.model,
    message: redact(message, context.redact),
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(rateLimitHeaders === undefined ? {} : { rateLimitHeaders }),
  });
}

/** This provider's key, and every other secret the process holds (a provider may echo any header). */
function redact(message: string, secrets: readonly string[]): string {
  return knownSecrets.scrub(message, secrets);
}
