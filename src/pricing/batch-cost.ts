import { ownEntry } from '../config/own-key.js';
import type { TokenUsage } from '../providers/completion.js';
import { builtInPrices, type Price } from './price-table.js';

/** A price override may carry its own batch prices. */
type PriceOverride = Price & { batchInput?: number | undefined; batchOutput?: number | undefined };

/** The share of list price providers charge for batch work (OpenAI, Anthropic, Gemini: 50 %). */
export const batchDiscount = 0.5;

/**
 * USD cost of a batch item: the override's `batchInput`/`batchOutput` when set, else half the list
 * price. Null when the model's price or the token counts are unknown.
 */
export function batchCostUsd(
  model: string,
  usage: TokenUsage,
  overrides: Readonly<Record<string, PriceOverride>>,
): number | null {
  const override = ownEntry(overrides, model);
  const price = override ?? ownEntry(builtInPrices, model);
  if (!price || usage.inputTokens === null || usage.outputTokens === null) return null;
  const input = override?.batchInput ?? price.input * batchDiscount;
  const output = override?.batchOutput ?? price.output * batchDiscount;
  const cost = (usage.inputTokens * input + usage.outputTokens * output) / 1_000_000;
  return Math.round(cost * 1e9) / 1e9;
}
