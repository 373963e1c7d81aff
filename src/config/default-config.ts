/**
 * The built-in configuration used when no file is given: three simulated providers, one per wire
 * format, so a fresh machine runs the same adapter, breaker and fallback path as real providers,
 * with no keys.
 */
export const defaultConfigDocument = {
  providers: {
    'sim-openai': { type: 'simulated', wire: 'openai', timeoutMs: 10_000, latencyMs: { min: 50, max: 250 } },
    'sim-anthropic': {
      type: 'simulated',
      wire: 'anthropic',
      timeoutMs: 10_000,
      latencyMs: { min: 80, max: 300 },
    },
    'sim-google': { type: 'simulated', wire: 'google', timeoutMs: 10_000, latencyMs: { min: 60, max: 280 } },
  },
  routes: {
    default: [
      { provider: 'sim-openai', model: 'gpt-4.1-mini' },
      { provider: 'sim-anthropic', model: 'claude-haiku-4-5' },
      { provider: 'sim-google', model: 'gemini-2.5-flash' },
    ],
    // Embedding jobs (`kind: "embed"`) name this route: a route holds one kind of model.
    embed: [
      { provider: 'sim-openai', model: 'text-embedding-3-small' },
      { provider: 'sim-google', model: 'gemini-embedding-001' },
    ],
  },
  defaultRoute: 'default',
} as const;
