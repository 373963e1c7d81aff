import type { BreakwaterConfig } from '../config/schema.js';
import type { ResolvedEntry } from '../resilience/fallback-chain.js';
import type { JobData } from './job-input.js';

export type ChainResolution =
  | { kind: 'ok'; chain: ResolvedEntry[] }
  | { kind: 'invalid'; path: string; message: string };

/** The job's fallback chain with timeouts filled in, checked against the configured providers. */
export function resolveChain(job: JobData, config: BreakwaterConfig): ChainResolution {
  let entries = job.chain;
  let path = 'chain';
  if (!entries) {
    const route = job.route ?? config.defaultRoute;
    entries = config.routes[route];
    path = 'route';
    if (!entries) {
      return {
        kind: 'invalid',
        path,
        message: `unknown route "${route}" (known: ${Object.keys(config.routes).join(', ')})`,
      };
    }
  }
  const chain: ResolvedEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    const provider = config.providers[entry.provider];
    if (!provider) {
      return {
        kind: 'invalid',
        path: job.chain ? `chain.${index}.provider` : path,
        message: `unknown provider "${entry.provider}" (known: ${Object.keys(config.providers).join(', ')})`,
      };
    }
    chain.push({ ...entry, timeoutMs: entry.timeoutMs ?? provider.timeoutMs });
  }
  return { kind: 'ok', chain };
}
