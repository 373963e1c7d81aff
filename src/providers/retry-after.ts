/**
 * Reads how long a provider asked us to wait, in milliseconds, from the places providers put it:
 * `retry-after-ms` (OpenAI), `retry-after` as seconds or as an HTTP date (RFC 9110), and Gemini's
 * `google.rpc.RetryInfo` detail in the error body (`"retryDelay": "17s"`).
 * Returns undefined when nothing usable was sent. Never negative.
 */
export function parseRetryAfter(
  headers: Record<string, string> | undefined,
  body: unknown,
  now: number,
): number | undefined {
  const fromHeaders = headers ? parseRetryAfterHeaders(headers, now) : undefined;
  return fromHeaders ?? parseGoogleRetryInfo(body);
}

function parseRetryAfterHeaders(headers: Record<string, string>, now: number): number | undefined {
  const lower = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
  const milliseconds = lower['retry-after-ms'];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = lower['retry-after']?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number.parseFloat(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function parseGoogleRetryInfo(body: unknown): number | undefined {
  const details = googleErrorDetails(body);
  for (const detail of details) {
    if (detail['@type'] !== 'type.googleapis.com/google.rpc.RetryInfo') continue;
    const delay = detail.retryDelay;
    if (typeof delay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
    if (match) return Math.round(Number.parseFloat(match[1]!) * 1000);
  }
  return undefined;
}

/** The `error.details` array of a Google API error body, or an empty list. */
export function googleErrorDetails(body: unknown): Array<Record<string, unknown>> {
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  if (!isRecord(parsed) || !isRecord(parsed.error) || !Array.isArray(parsed.error.details)) return [];
  return parsed.error.details.filter(isRecord);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
