import { knownSecrets } from '../../logging/known-secrets.js';
import { verdictForStatus } from '../classify-error.js';
import { ProviderError } from '../provider-error.js';
import { parseRetryAfter } from '../retry-after.js';

export interface BatchHttpOptions {
  provider: string;
  /** The model the batch is for ('' before one is known). */
  model: string;
  /** The provider's key, to scrub from any message. */
  secret: string | undefined;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
  now: () => number;
}

/**
 * One HTTP exchange with a provider's batch API: the response when it is 2xx, else a ProviderError
 * with the verdict a call with that status gets (`verdictForStatus`), its Retry-After, and a message
 * scrubbed of every known secret. A network failure or timeout is `retryable`.
 */
export async function batchFetch(
  options: BatchHttpOptions,
  url: string,
  init: RequestInit,
): Promise<Response> {
  let response: Response;
  try {
    response = await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw failure(
      options,
      timedOut ? 'timeout' : 'network',
      timedOut ? `no answer within ${options.timeoutMs} ms` : describe(error),
    );
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  const body = parseJson(text);
  const [verdict, code] = verdictForStatus(response.status, body);
  const headers = Object.fromEntries(response.headers.entries());
  const retryAfterMs = parseRetryAfter(headers, body, options.now());
  throw new ProviderError({
    verdict,
    code,
    provider: options.provider,
    model: options.model,
    message: scrub(options, errorMessage(body) ?? `HTTP ${response.status}`),
    status: response.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** The JSON body of a 2xx response; an unreadable one is a retryable `invalid-response`. */
export async function batchJson(options: BatchHttpOptions, response: Response): Promise<unknown> {
  const text = await response.text();
  const body = parseJson(text);
  if (body === undefined) throw failure(options, 'invalid-response', 'the batch API answered with no JSON');
  return body;
}

/** An item's error as a ProviderError, judged by its status like a call's. */
export function itemError(
  options: BatchHttpOptions,
  status: number | undefined,
  body: unknown,
  fallback: string,
): ProviderError {
  const [verdict, code] =
    status === undefined ? (['retryable', 'server-error'] as const) : verdictForStatus(status, body);
  return new ProviderError({
    verdict,
    code,
    provider: options.provider,
    model: options.model,
    message: scrub(options, errorMessage(body) ?? fallback),
    ...(status === undefined ? {} : { status }),
  });
}

export function failure(
  options: BatchHttpOptions,
  code: 'timeout' | 'network' | 'invalid-response',
  message: string,
): ProviderError {
  return new ProviderError({
    verdict: 'retryable',
    code,
    provider: options.provider,
    model: options.model,
    message: scrub(options, message),
  });
}

function scrub(options: BatchHttpOptions, message: string): string {
  return knownSecrets.scrub(message, options.secret === undefined ? [] : [options.secret]);
}

/** `error.message` as OpenAI, Anthropic and Gemini all nest it. */
function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Each line of a JSONL body that parses. */
export function parseJsonl(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseJson)
    .filter((value) => value !== undefined);
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
