/** One limit as a provider reported it on a response. */
export interface LearnedLimit {
  /** The provider's figure for the window (per minute for OpenAI and Anthropic). */
  limit: number;
  /** What is left of it now; never negative. */
  remaining: number;
  /** Epoch milliseconds at which the provider says the limit is whole again; never before `now`. */
  resetAt: number;
}

/** The limits one response reported; a dimension is absent when its headers were missing or malformed. */
export interface LearnedLimits {
  requests?: LearnedLimit;
  tokens?: LearnedLimit;
  inputTokens?: LearnedLimit;
  outputTokens?: LearnedLimit;
}

type Dimension = keyof LearnedLimits;
type Headers = Readonly<Record<string, string | undefined>>;

/** OpenAI's header suffixes per dimension; its resets are durations from now (`6m0s`, `12ms`). */
const openaiSuffixes: ReadonlyArray<[Dimension, string]> = [
  ['requests', 'requests'],
  ['tokens', 'tokens'],
];

/** Anthropic's header infixes per dimension; its resets are RFC 3339 timestamps. */
const anthropicInfixes: ReadonlyArray<[Dimension, string]> = [
  ['requests', 'requests'],
  ['tokens', 'tokens'],
  ['inputTokens', 'input-tokens'],
  ['outputTokens', 'output-tokens'],
];

/**
 * Reads the rate-limit headers of a response: OpenAI's `x-ratelimit-{limit,remaining,reset}-*` and
 * Anthropic's `anthropic-ratelimit-*-{limit,remaining,reset}`. Header names in any case; a dimension
 * missing any of its three values, or with a malformed one, is left out. Undefined when nothing was
 * learned. Never throws.
 */
export function learnedLimitsOf(headers: Headers | undefined, now: number): LearnedLimits | undefined {
  if (!headers) return undefined;
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') lower.set(name.toLowerCase(), value.trim());
  }
  const learned: LearnedLimits = {};
  for (const [dimension, suffix] of openaiSuffixes) {
    const limit = readLimit(
      lower.get(`x-ratelimit-limit-${suffix}`),
      lower.get(`x-ratelimit-remaining-${suffix}`),
      resetFromDuration(lower.get(`x-ratelimit-reset-${suffix}`), now),
    );
    if (limit) learned[dimension] = limit;
  }
  for (const [dimension, infix] of anthropicInfixes) {
    const prefix = `anthropic-ratelimit-${infix}`;
    const limit = readLimit(
      lower.get(`${prefix}-limit`),
      lower.get(`${prefix}-remaining`),
      resetFromTimestamp(lower.get(`${prefix}-reset`), now),
    );
    if (limit) learned[dimension] ??= limit;
  }
  return Object.keys(learned).length > 0 ? learned : undefined;
}

function readLimit(
  limitText: string | undefined,
  remainingText: string | undefined,
  resetAt: number | undefined,
): LearnedLimit | undefined {
  const limit = count(limitText);
  const remaining = count(remainingText);
  // Azure answers -1 or 0 for limits it does not report; a limit of 0 says nothing usable.
  if (limit === undefined || remaining === undefined || resetAt === undefined || limit <= 0) return undefined;
  return { limit, remaining, resetAt };
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const unitMs: Readonly<Record<string, number>> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000_001,
};

/**
 * A Go-style duration as OpenAI sends it (`1s`, `6m0s`, `12ms`, `1h2m3.5s`, `0s`), or a bare number of
 * seconds as some OpenAI-compatible servers do; undefined when malformed.
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const part = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/y;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? Number.NaN);
    index = part.lastIndex;
  }
  return Number.isFinite(total) ? total : undefined;
}

function resetFromDuration(text: string | undefined, now: number): number | undefined {
  const duration = parseDurationMs(text);
  return duration === undefined ? undefined : now + Math.ceil(duration);
}

/** RFC 3339 (`2026-11-29T12:00:31Z`); a time already past reads as now. */
function resetFromTimestamp(text: string | undefined, now: number): number | undefined {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(now, at);
}
