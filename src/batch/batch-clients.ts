import { batchWireOf } from '../config/batch-wire.js';
import { ownEntry } from '../config/own-key.js';
import type { ResolvedProvider } from '../config/resolve-providers.js';
import type { Secret } from '../logging/secret.js';
import { anthropicBatchClient } from '../providers/batch/anthropic-batch-client.js';
import type { BatchClient } from '../providers/batch/batch-client.js';
import { googleBatchClient } from '../providers/batch/google-batch-client.js';
import { openaiBatchClient } from '../providers/batch/openai-batch-client.js';

export interface BatchClientSource {
  providers: Readonly<Record<string, ResolvedProvider>>;
  secrets: ReadonlyMap<string, Secret>;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

const defaultRoots = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
} as const;

/** One batch client per provider, built from the resolved config (simulated providers included). */
export function batchClients(source: BatchClientSource): (provider: string) => BatchClient {
  const cache = new Map<string, BatchClient>();
  return (name) => {
    let client = cache.get(name);
    if (client) return client;
    const provider = ownEntry(source.providers, name);
    if (!provider) throw new Error(`unknown provider "${name}"`);
    const wire = batchWireOf(provider);
    const secret = provider.simulated ? provider.apiKey : source.secrets.get(name)?.reveal();
    const common = {
      provider: name,
      secret,
      timeoutMs: provider.timeoutMs,
      fetch: source.fetch ?? globalThis.fetch,
      now: source.now ?? Date.now,
    };
    switch (wire) {
      case 'openai':
        client = openaiBatchClient({ ...common, baseURL: provider.baseURL ?? defaultRoots.openai });
        break;
      case 'anthropic':
        client = anthropicBatchClient({ ...common, baseURL: provider.baseURL ?? defaultRoots.anthropic });
        break;
      case 'google':
        client = googleBatchClient({ ...common, baseURL: provider.baseURL ?? defaultRoots.google });
        break;
      default:
        throw new Error(`provider "${name}" has no batch client for wire ${String(wire)}`);
    }
    cache.set(name, client);
    return client;
  };
}
