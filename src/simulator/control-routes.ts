import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ReceivedBatch } from './batch/batch-desk.js';
import type { BatchPatch, BatchProfile } from './batch/batch-profile.js';
import type { ProfilePatch, SimulatedProfile } from './profile.js';
import { readJson, send } from './routing.js';

/** A simulated provider as the control API shows it: its profile and what it has served. */
export interface ProviderDescription {
  profile: SimulatedProfile;
  calls: number;
  inFlight: number;
  outcomes: Record<string, number>;
}

/** Jobs seen (by `x-breakwater-job-id`) and those a provider served twice, e.g. after a crash. */
export interface JobsSeen {
  jobs: number;
  repeated: Record<string, Readonly<Record<string, number>>>;
}

/** What the control API drives: the simulator's public controls. */
export interface SimulatorControls {
  reset(): void;
  configure(provider: string, patch: ProfilePatch): SimulatedProfile;
  configureBatches(provider: string, patch: BatchPatch): BatchProfile;
  batchesReceived(): ReceivedBatch[];
  describe(provider: string): ProviderDescription;
  /** Every provider name configured or called so far. */
  providerNames(): string[];
  jobsSeen(): JobsSeen;
}

/**
 * The simulator's control API under `/_control`:
 *
 *   POST /_control/reset                       forget profiles, calls, limits and batches
 *   GET  /_control/jobs                        jobs seen, and those served twice
 *   GET  /_control/providers[/{provider}]      profiles and call counts
 *   PUT  /_control/providers/{provider}        patch a profile (PATCH and POST too)
 *   GET  /_control/batches                     batches received
 *   PUT  /_control/batches/{provider}          patch a provider's batch profile (PATCH too)
 */
export async function handleControl(
  controls: SimulatorControls,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = request.method ?? 'GET';
  if (method === 'POST' && parts[1] === 'reset') {
    controls.reset();
    return send(response, { status: 200, headers: {}, body: { ok: true } });
  }
  if (method === 'GET' && parts[1] === 'jobs') {
    return send(response, { status: 200, headers: {}, body: controls.jobsSeen() });
  }
  if (parts[1] === 'batches') return controlBatches(controls, request, response, method, parts[2]);
  if (parts[1] !== 'providers')
    return send(response, { status: 404, headers: {}, body: { error: 'unknown control route' } });
  const provider = parts[2];
  if (method === 'GET' && !provider) {
    const all = Object.fromEntries(controls.providerNames().map((name) => [name, controls.describe(name)]));
    return send(response, { status: 200, headers: {}, body: all });
  }
  if (!provider) return send(response, { status: 404, headers: {}, body: { error: 'name a provider' } });
  if (method === 'GET')
    return send(response, { status: 200, headers: {}, body: controls.describe(provider) });
  if (method === 'PUT' || method === 'PATCH' || method === 'POST') {
    try {
      controls.configure(provider, (await readJson(request)) as ProfilePatch);
    } catch (error) {
      return send(response, { status: 400, headers: {}, body: controlError(error) });
    }
    return send(response, { status: 200, headers: {}, body: controls.describe(provider) });
  }
  return notAllowed(response, method);
}

async function controlBatches(
  controls: SimulatorControls,
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
  provider: string | undefined,
): Promise<void> {
  if (method === 'GET' && !provider) {
    return send(response, { status: 200, headers: {}, body: controls.batchesReceived() });
  }
  if (provider && (method === 'PUT' || method === 'PATCH')) {
    try {
      const profile = controls.configureBatches(provider, (await readJson(request)) as BatchPatch);
      return send(response, { status: 200, headers: {}, body: profile });
    } catch (error) {
      return send(response, { status: 400, headers: {}, body: controlError(error) });
    }
  }
  return notAllowed(response, method);
}

function notAllowed(response: ServerResponse, method: string): void {
  send(response, { status: 405, headers: {}, body: { error: `method ${method} not allowed` } });
}

/** A refused control request: zod's problems as data, each with its path, not a string of JSON. */
function controlError(error: unknown) {
  if (error instanceof z.ZodError) {
    return {
      error: 'invalid profile patch',
      problems: error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(body)',
        message: issue.message,
      })),
    };
  }
  return { error: error instanceof Error ? error.message : String(error) };
}
