/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/** The date the built-in list prices were taken from the providers' public price pages. */
export const builtInPricesTakenOn = '2025-10-15';

/**
 * List prices of common models (standard tier, no caching or batch discounts). Config `pricing`
 * overrides and extends this; a model in neither costs `null`, never a guess.
 */
export const builtInPrices: Readonly<Record<string, Price>> = {
  'gpt-4.1': { input: 2.0, output: 8.0 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10.0 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'claude-sonnet-4-5': { input: 3.0, output: 15.0 },
  'claude-haiku-4-5': { input: 1.0, output: 5.0 },
  'claude-opus-4-1': { input: 15.0, output: 75.0 },
  'gemini-2.5-pro': { input: 1.25, output: 10.0 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  // Embedding models: input tokens only.
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'gemini-embedding-001': { input: 0.15, output: 0 },
};
