import type { BreakwaterConfig } from '../config/schema.js';
import { defaultProfile } from '../simulator/profile.js';
import { ProviderSimulator } from '../simulator/simulator.js';

/**
 * Starts an in-process simulator when some `simulated` provider has no baseURL of its own (the keyless
 * default), seeded with each provider's configured latency. Returns undefined when none is needed.
 */
export async function startEmbeddedSimulator(
  config: BreakwaterConfig,
): Promise<ProviderSimulator | undefined> {
  const embedded = Object.entries(config.providers).filter(
    ([, provider]) => provider.type === 'simulated' && !provider.baseURL,
  );
  if (embedded.length === 0) return undefined;
  const latency = new Map(embedded.map(([name, provider]) => [name, provider.latencyMs]));
  const simulator = new ProviderSimulator({
    initialProfile: (name) => {
      const profile = defaultProfile();
      const configured = latency.get(name);
      return configured ? { ...profile, latencyMs: configured } : profile;
    },
  });
  await simulator.start();
  return simulator;
}
