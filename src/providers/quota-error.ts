/** A provider said its quota (credit, billing, a per-day allowance) is spent: no call helps before `resetAt`. */
export interface QuotaExhaustion {
  /** Epoch milliseconds when the quota comes back, when the error says; else the caller's recheck default. */
  resetAt?: number;
  /** What the provider said, for the provider's state and a job's timeline. */
  reason: string;
}

/**
 * Tells a spent quota from a passing rate limit, from an error response's status and body (parsed, or
 * the raw JSON text): OpenAI `insufficient_quota`, Anthropic's credit and billing errors, Gemini
 * `RESOURCE_EXHAUSTED` naming a per-day quota or a limit of 0. Undefined for anything else. Never throws.
 */
export function quotaExhaustionOf(status: number, body: unknown, now: number): QuotaExhaustion | undefined {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  // Gemini on Vertex wraps its error in a one-element array.
  const root = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isRecord(root)) return undefined;
  return openaiQuota(root) ?? anthropicQuota(status, root) ?? geminiQuota(root, now);
}

/** `{error: {type|code: "insufficient_quota"}}`, on a 429. */
function openaiQuota(body: Record<string, unknown>): QuotaExhaustion | undefined {
  const error = body.error;
  if (!isRecord(error)) return undefined;
  if (error.code !== 'insufficient_quota' && error.type !== 'insufficient_quota') return undefined;
  return { reason: `insufficient_quota: ${text(error.message)}` };
}

/**
 * Anthropic documents a `billing_error` type (402). What its API really answers when the credit balance
 * is spent is a 400 `invalid_request_error` that only its message tells apart ("Your credit balance is
 * too low to access the Anthropic API…"), so that case matches on that narrow phrase.
 */
function anthropicQuota(status: number, body: Record<string, unknown>): QuotaExhaustion | undefined {
  const error = body.error;
  if (body.type !== 'error' || !isRecord(error)) return undefined;
  const message = text(error.message);
  if (error.type === 'billing_error') return { reason: `billing_error: ${message}` };
  if (
    status === 400 &&
    error.type === 'invalid_request_error' &&
    /credit balance is too low/i.test(message)
  ) {
    return { reason: `credit balance too low: ${message}` };
  }
  return undefined;
}

/**
 * `{error: {status: "RESOURCE_EXHAUSTED", details: [{@type: …QuotaFailure, violations: [{quotaId}]}]}}`:
 * a violated quota whose id names a day (`GenerateRequestsPerDayPerProjectPerModel-FreeTier`) comes back
 * at midnight Pacific time, when Google resets per-day quotas; a `limit: 0` in the message means the
 * model has no quota at all on this plan, with no reset to wait for.
 */
function geminiQuota(body: Record<string, unknown>, now: number): QuotaExhaustion | undefined {
  const error = body.error;
  if (!isRecord(error) || error.status !== 'RESOURCE_EXHAUSTED') return undefined;
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
  const violations = details
    .filter((detail) => detail['@type'] === 'type.googleapis.com/google.rpc.QuotaFailure')
    .flatMap((detail) => (Array.isArray(detail.violations) ? detail.violations.filter(isRecord) : []));
  const perDay = violations.find((violation) => text(violation.quotaId).includes('PerDay'));
  if (perDay) {
    const value = perDay.quotaValue === undefined ? '' : ` (limit ${text(perDay.quotaValue)})`;
    return {
      reason: `per-day quota ${text(perDay.quotaId)} exhausted${value}`,
      resetAt: nextPacificMidnight(now),
    };
  }
  if (/\blimit: 0(?![\d.])/.test(text(error.message))) {
    return { reason: `no quota for this model (limit: 0): ${text(error.message)}` };
  }
  return undefined;
}

const pacific = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Epoch milliseconds of the first midnight in America/Los_Angeles after `now` (DST included). */
export function nextPacificMidnight(now: number): number {
  const today = pacificParts(now);
  const guess = Date.UTC(today.year, today.month - 1, today.day + 1);
  // The offset at the guess (UTC midnight of tomorrow's date) is the offset of Pacific midnight that day,
  // except across a DST change, which happens at 02:00 and so never between the two: one step suffices.
  return guess - pacificOffsetMs(guess);
}

function pacificParts(at: number) {
  const parts = Object.fromEntries(
    pacific.formatToParts(new Date(at)).map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Pacific wall-clock time minus UTC at `at`: -8 h or -7 h. */
function pacificOffsetMs(at: number): number {
  const wall = pacificParts(at);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
