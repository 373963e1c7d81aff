import { batchEntryProblem } from '../config/batch-wire.js';
import { modelIdProblemFor } from '../config/model-id.js';
import { entryKindProblem } from '../config/model-kind.js';
import { ownEntry } from '../config/own-key.js';
import type { BreakwaterConfig, ChainEntry } from '../config/schema.js';
import type { ResolvedEntry } from '../resilience/fallback-chain.js';
import type { JobData } from './job-input.js';

export type ChainResolution =
  | { kind: 'ok'; chain: ResolvedEntry[] }
  | { kind: 'invalid'; path: string; message: string };

/**
 * The job's fallback chain with timeouts filled in, checked against the configured providers (own
 * keys only: a route or provider named `constructor` is unknown, not Object's), the provider's
 * model-id rule and `api.jobChains`.
 */
export function resolveChain(job: JobData, config: BreakwaterConfig): ChainResolution {
  // A route's chain depends on the route, the job's kind and the config only: resolved once.
  if (!job.chain && !job.batch) return routeChain(job, config);
  return resolveAnew(job, config);
}

/** Resolved route chains by config (a config is never changed once loaded), then route and kind. */
const routeChains = new WeakMap<BreakwaterConfig, Map<string, ChainResolution>>();

function routeChain(job: JobData, config: BreakwaterConfig): ChainResolution {
  let byRoute = routeChains.get(config);
  if (!byRoute) {
    byRoute = new Map();
    routeChains.set(config, byRoute);
  }
  const key = `${job.route ?? config.defaultRoute}\u0000${job.kind ?? 'complete'}`;
  const known = byRoute.get(key);
  if (known) return known;
  const resolution = resolveAnew(job, config);
  // Only known routes are kept (a job may name any route), shared by all their jobs: frozen, so
  // no caller can change another job's chain.
  if (resolution.kind === 'ok') {
    for (const entry of resolution.chain) Object.freeze(entry);
    Object.freeze(resolution.chain);
    byRoute.set(key, resolution);
  }
  return resolution;
}

function resolveAnew(job: JobData, config: BreakwaterConfig): ChainResolution {
  let entries: readonly ChainEntry[] | undefined = job.chain;
  let path = 'chain';
  if (!entries) {
    const route = job.route ?? config.defaultRoute;
    entries = ownEntry(config.routes, route);
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
  for (const [index, named] of entries.entries()) {
    // `batch: true` on the job sends its first entry through the provider's batch API.
    const entry = job.batch && index === 0 ? { ...named, batch: true } : named;
    const at = (field: string) =>
      job.chain ? `chain.${index}.${field}` : field === 'batch' && job.batch ? 'batch' : path;
    const provider = ownEntry(config.providers, entry.provider);
    if (!provider) {
      return {
        kind: 'invalid',
        path: at('provider'),
        message: `unknown provider "${entry.provider}" (known: ${Object.keys(config.providers).join(', ')})`,
      };
    }
    const modelProblem = modelIdProblemFor(provider, entry.model);
    if (modelProblem) return { kind: 'invalid', path: at('model'), message: modelProblem };
    const batchProblem = entry.batch ? batchEntryProblem(entry.provider, provider) : undefined;
    if (batchProblem) return { kind: 'invalid', path: at('batch'), message: batchProblem };
    const kindProblem = entryKindProblem(job.kind ?? 'complete', entry, provider);
    if (kindProblem) return { kind: 'invalid', path: at(kindProblem.field), message: kindProblem.message };
    if (job.chain && config.api.jobChains === 'configured-models-only' && !routed(config, entry)) {
      return {
        kind: 'invalid',
        path: at('model'),
        message: `"${entry.model}" on "${entry.provider}" is in no route, and this API takes only the provider/model pairs its routes name (api.jobChains)`,
      };
    }
    chain.push({ ...entry, timeoutMs: entry.timeoutMs ?? provider.timeoutMs });
  }
  return { kind: 'ok', chain };
}

/** Whether some route names this provider/model pair. */
function routed(config: BreakwaterConfig, entry: ChainEntry): boolean {
  return Object.values(config.routes).some((route) =>
    route.some((named) => named.provider === entry.provider && named.model === entry.model),
  );
}
