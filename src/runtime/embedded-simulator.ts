import type { BreakwaterConfig, SimulatedProviderConfig } from '../config/schema.js';
import { defaultProfile } from '../simulator/profile.js';
import { ProviderSimulator } from '../simulator/simulator.js';

/**
 * Starts an in-process simulator when some `simulated` provider has no baseURL of its own (the keyless
 * default), seeded with each provider's configured latency. Returns undefined when none is needed.
 */
export async function startEmbeddedSimulator(
  config: BreakwaterConfig,
): Promise<ProviderSimulator | undefined> {
  const latency = new Map<string, SimulatedProviderConfig['latencyMs']>();
  for (const [name, provider] of Object.entries(config.providers)) {
    if (provider.type === 'simulated' && !provider.baseURL) latency.set(name, provider.latencyMs);
  }
  if (latency.size === 0) return undefined;
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
