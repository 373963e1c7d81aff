/**
 * Errors are recognised by a brand (a registered symbol set to true), not by `instanceof` or message
 * text, so they survive duplicated package copies, realms and serialisation boundaries.
 */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
