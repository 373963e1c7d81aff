/**
 * The headers of a provider's answer that speak of its limits (`x-ratelimit-*`,
 * `anthropic-ratelimit-*`, `retry-after`), names lower-cased; undefined when there are none. Only
 * these are kept from an answer: nothing else of it (nor any secret) travels further.
 */
export function pickRateLimitHeaders(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string> | undefined {
  if (!headers) return undefined;
  let picked: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (
      lower.startsWith('x-ratelimit-') ||
      lower.startsWith('anthropic-ratelimit-') ||
      lower === 'retry-after'
    ) {
      picked ??= {};
      picked[lower] = value;
    }
  }
  return picked;
}
