import { ownEntry } from '../config/own-key.js';
import type { TokenUsage } from '../providers/completion.js';
import { builtInPrices, type Price } from './price-table.js';

/** USD cost of a call, or null when the model's price or the token counts are unknown. */
export function costUsd(
  model: string,
  usage: TokenUsage,
  overrides: Readonly<Record<string, Price>>,
): number | null {
  // Own keys only: a model named `constructor` has no price, not Object's constructor.
  const price = ownEntry(overrides, model) ?? ownEntry(builtInPrices, model);
  if (!price || usage.inputTokens === null || usage.outputTokens === null) return null;
  const cost = (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
  return Math.round(cost * 1e9) / 1e9;
}
