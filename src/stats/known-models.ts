import type { BreakwaterConfig } from '../config/schema.js';
import { builtInPrices } from '../pricing/price-table.js';

/** Models the stats name: those of the config's routes, its prices and the built-in price table. */
export function knownModels(config: BreakwaterConfig): ReadonlySet<string> {
  return new Set([
    ...Object.values(config.routes).flatMap((chain) => chain.map((entry) => entry.model)),
    ...Object.keys(config.pricing),
    ...Object.keys(builtInPrices),
  ]);
}
