import { simulatedBaseURL } from '../simulator/base-url.js';
import { ConfigError } from './config-error.js';
import type { ProviderConfig, WireFormat } from './schema.js';

/** A provider of a real wire type, as the config file gave it. */
export type WireProviderConfig = Exclude<ProviderConfig, { type: 'simulated' }>;

/**
 * A provider as adapters see it: always a real wire type with its endpoint. A `simulated` provider
 * becomes the wire type it speaks, pointed at its path on the simulator and marked `simulated`.
 */
export type ResolvedProvider =
  | (WireProviderConfig & { simulated?: never })
  | {
      type: WireFormat;
      baseURL: string;
      simulated: true;
      /** The simulator's key: not a secret, it accepts any key unless a test sets one. */
      apiKey: string;
      timeoutMs: number;
      breaker: ProviderConfig['breaker'];
      batch: ProviderConfig['batch'];
    };

/** The key sent to the simulator. */
export const simulatorKey = 'simulated-key';

/**
 * Resolves every `simulated` provider into the wire type it speaks, at its path on the simulator:
 * its own `baseURL` (a simulator started elsewhere), else `simulatorUrl` (the one this process
 * started, known only once it listens). Pure: called by the runtime once the URL is known.
 */
export function resolveProviders(
  providers: Readonly<Record<string, ProviderConfig>>,
  simulatorUrl?: string,
): Record<string, ResolvedProvider> {
  const resolved: Record<string, ResolvedProvider> = {};
  for (const [name, provider] of Object.entries(providers)) {
    if (provider.type !== 'simulated') {
      resolved[name] = provider;
      continue;
    }
    const root = provider.baseURL ?? simulatorUrl;
    if (root === undefined) {
      throw new ConfigError('resolving simulated providers', [
        {
          path: `providers.${name}.baseURL`,
          message:
            'a simulated provider needs a simulator: set baseURL to one started with `npm run simulator`, or leave it out where the worker starts its own',
        },
      ]);
    }
    resolved[name] = {
      type: provider.wire,
      baseURL: simulatedBaseURL(root, name, provider.wire),
      simulated: true,
      apiKey: simulatorKey,
      timeoutMs: provider.timeoutMs,
      breaker: provider.breaker,
      batch: provider.batch,
    };
  }
  return resolved;
}
