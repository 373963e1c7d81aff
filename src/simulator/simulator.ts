import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatedBaseURL } from './base-url.js';
import { AnthropicBatchWire } from './batch/anthropic-batch-wire.js';
import { BatchDesk, type ReceivedBatch } from './batch/batch-desk.js';
import type { BatchPatch, BatchProfile } from './batch/batch-profile.js';
import { GoogleBatchWire } from './batch/google-batch-wire.js';
import { OpenAIBatchWire } from './batch/openai-batch-wire.js';
import { CallLog, type ProviderStats } from './call-log.js';
import {
  handleControl,
  type JobsSeen,
  type ProviderDescription,
  type SimulatorControls,
} from './control-routes.js';
import { LimitLedger } from './limit-ledger.js';
import { applyPatch, defaultProfile, type ProfilePatch, type SimulatedProfile } from './profile.js';
import { matchRoute, send } from './routing.js';
import { type CallDesk, serveCall } from './serve-call.js';
import type { Wire } from './wire.js';

export interface SimulatorOptions {
  now?: () => number;
  random?: () => number;
  /** Profile given to a provider name seen for the first time. */
  initialProfile?: (provider: string) => SimulatedProfile;
}

/**
 * A loopback HTTP server that speaks the OpenAI chat-completions, Anthropic messages and Gemini
 * generateContent wire formats, with programmable faults per simulated provider name:
 *
 *   POST /{provider}/v1/chat/completions                      (OpenAI)
 *   POST /{provider}/v1/messages                              (Anthropic)
 *   POST /{provider}/v1beta/models/{model}:generateContent    (Gemini)
 *   POST /{provider}/v1beta/models/{model}:streamGenerateContent?alt=sse   (Gemini, streamed)
 *
 * OpenAI and Anthropic stream when the body says `stream: true`, as server-sent events.
 *
 * Controlled from code (`configure`, `stats`, `reset`) or over HTTP under `/_control`.
 */
export class ProviderSimulator implements SimulatorControls {
  readonly #profiles = new Map<string, SimulatedProfile>();
  readonly #log = new CallLog();
  readonly #limits = new LimitLedger();
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #initialProfile: (provider: string) => SimulatedProfile;
  readonly #batches: BatchDesk;
  readonly #openaiBatches: OpenAIBatchWire;
  readonly #anthropicBatches: AnthropicBatchWire;
  readonly #googleBatches: GoogleBatchWire;
  readonly #desk: CallDesk;
  #server: Server | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SimulatorOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#initialProfile = options.initialProfile ?? defaultProfile;
    this.#batches = new BatchDesk(this.#now, this.#random);
    this.#openaiBatches = new OpenAIBatchWire(this.#batches, this.#now);
    this.#anthropicBatches = new AnthropicBatchWire(this.#batches);
    this.#googleBatches = new GoogleBatchWire(this.#batches);
    this.#desk = {
      log: this.#log,
      limits: this.#limits,
      now: this.#now,
      random: this.#random,
      profile: (provider) => this.profile(provider),
    };
  }

  /** Starts listening on 127.0.0.1 (port 0 picks a free one) and returns the base URL. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          send(response, { status: 500, headers: {}, body: { error: String(error) } });
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    return this.url;
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the simulator is not listening; call start() first');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The base URL an AI SDK provider of this wire format uses for a simulated provider. */
  baseURL(provider: string, wire: Wire['name']): string {
    return simulatedBaseURL(this.url, provider, wire);
  }

  profile(provider: string): SimulatedProfile {
    let profile = this.#profiles.get(provider);
    if (!profile) {
      profile = this.#initialProfile(provider);
      this.#profiles.set(provider, profile);
    }
    return profile;
  }

  configure(provider: string, patch: ProfilePatch): SimulatedProfile {
    const next = applyPatch(this.profile(provider), patch, this.#now());
    if (patch.limits !== undefined) this.#limits.forget(provider);
    this.#profiles.set(provider, next);
    return next;
  }

  stats(provider: string): ProviderStats {
    return this.#log.stats(provider);
  }

  /** Calls a provider received at or after `since` (epoch ms). */
  callsSince(provider: string, since: number): number {
    return this.#log.stats(provider).times.filter((at) => at >= since).length;
  }

  /** Calls received per Breakwater job id, every provider counted (fallbacks and retries included). */
  callsByJob(): ReadonlyMap<string, number> {
    return this.#log.callsByJob();
  }

  /** Jobs a provider got again after it had answered them or the call was cut off: extra calls per provider. */
  repeatedCalls(): ReadonlyMap<string, Readonly<Record<string, number>>> {
    return this.#log.repeatedCalls();
  }

  /** Changes how a provider's batch endpoints behave (turnaround, item errors, failure, expiry, down). */
  configureBatches(provider: string, patch: BatchPatch): BatchProfile {
    return this.#batches.configure(provider, patch);
  }

  /** Every batch the simulator received, oldest first, with the custom ids of its requests. */
  batchesReceived(): ReceivedBatch[] {
    return this.#batches.received();
  }

  reset(): void {
    this.#batches.reset();
    this.#profiles.clear();
    this.#log.reset();
    this.#limits.forget();
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const server = this.#server;
    this.#closing = server
      ? new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        })
      : Promise.resolve();
    return this.#closing;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/_control')) return handleControl(this, request, response, url);
    const [provider, version, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (provider && version === 'v1' && OpenAIBatchWire.matches(rest)) {
      return this.#openaiBatches.handle(provider, rest, request, response);
    }
    if (provider && version === 'v1' && AnthropicBatchWire.matches(rest)) {
      return this.#anthropicBatches.handle(provider, rest, request, response, this.url);
    }
    if (provider && version === 'v1beta' && GoogleBatchWire.matches(rest)) {
      return this.#googleBatches.handle(provider, rest, request, response);
    }
    const route = matchRoute(request.method ?? 'GET', url.pathname);
    if (!route)
      return send(response, { status: 404, headers: {}, body: { error: `no route ${url.pathname}` } });
    return serveCall(this.#desk, route, url, request, response);
  }

  /** A provider's profile and what it has served, as the control API shows it. */
  describe(provider: string): ProviderDescription {
    const stats = this.#log.stats(provider);
    return {
      profile: this.profile(provider),
      calls: stats.calls,
      inFlight: stats.inFlight,
      outcomes: stats.outcomes,
    };
  }

  providerNames(): string[] {
    return [...new Set([...this.#profiles.keys(), ...this.#log.providers()])];
  }

  jobsSeen(): JobsSeen {
    return { jobs: this.#log.callsByJob().size, repeated: Object.fromEntries(this.#log.repeatedCalls()) };
  }
}
