import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatedBaseURL } from './base-url.js';
import { AnthropicBatchWire } from './batch/anthropic-batch-wire.js';
import { BatchDesk, type ReceivedBatch } from './batch/batch-desk.js';
import type { BatchPatch, BatchProfile } from './batch/batch-profile.js';
import { GoogleBatchWire } from './batch/google-batch-wire.js';
import { OpenAIBatchWire } from './batch/openai-batch-wire.js';
import { CallLog, jobIdHeader, type ProviderStats, type RecordedCall, safeHeaders } from './call-log.js';
import { composeReply } from './compose-reply.js';
import {
  handleControl,
  type JobsSeen,
  type ProviderDescription,
  type SimulatorControls,
} from './control-routes.js';
import { type Decision, decide } from './decide.js';
import { countsAgainstLimits, LimitLedger } from './limit-ledger.js';
import { limitWireOf } from './limit-wire.js';
import { applyPatch, defaultProfile, type ProfilePatch, type SimulatedProfile } from './profile.js';
import { replyFor } from './reply-for.js';
import { matchRoute, type Route, readJson, send } from './routing.js';
import { sendStream } from './send-stream.js';
import { streamFrames } from './stream-frames.js';
import { waitOutLatency } from './wait-latency.js';
import type { RecordedImage, Wire, WireReply } from './wire.js';

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
    const body = await readJson(request);
    const at = this.#now();
    const id = randomUUID().replaceAll('-', '').slice(0, 24);
    const parsed = route.wire.parse(body, route.model);
    const jobId = request.headers[jobIdHeader];
    this.#log.started(route.provider, at, typeof jobId === 'string' ? jobId : undefined);
    const record = (outcome: RecordedCall['outcome'], model: string, images: RecordedImage[] = []) =>
      this.#log.finished(route.provider, {
        at,
        wire: route.wire.name,
        path: url.pathname,
        model,
        outcome,
        hadKey: route.wire.apiKey(request.headers, url) !== undefined,
        headers: safeHeaders(request.headers),
        body,
        images,
      });
    if ('invalid' in parsed) {
      const reply = route.wire.error({
        id,
        status: 400,
        kind: 'invalid-request',
        model: route.model ?? '',
        detail: parsed.invalid,
      });
      record(400, route.model ?? '');
      return send(response, reply);
    }
    const profile = this.profile(route.provider);
    const decision = decide(
      profile,
      {
        promptText: parsed.promptText,
        apiKey: route.wire.apiKey(request.headers, url),
        structured: parsed.structured !== undefined,
      },
      at,
      this.#random,
    );
    const composed = composeReply(route.provider, parsed.model, parsed.promptText, parsed.maxTokens);
    // Tokens as providers reserve them: the input, plus max_tokens (else the output actually sent);
    // an embedding call writes nothing, its input is all it costs.
    const tokens = composed.inputTokens + (parsed.embed ? 0 : (parsed.maxTokens ?? composed.outputTokens));
    const limited = this.#limited(route, profile, decision, parsed.model, tokens, id, at);
    if (limited) {
      record(limited.status, parsed.model);
      return send(response, limited);
    }
    const aborted = await waitOutLatency(decision, request, response);
    if (aborted) return record('aborted', parsed.model, parsed.images);
    if ((parsed.stream || route.stream) && decision.kind === 'reply' && !parsed.structured) {
      const filtered = decision.contentFiltered ? { finishReason: 'content-filter' as const } : {};
      const frames = streamFrames(route.wire.name, {
        id,
        model: parsed.model,
        ...composed,
        ...filtered,
        createdAt: at,
      });
      const headers = this.#withLimitHeaders(
        { status: 200, headers: {}, body: undefined },
        route,
        profile,
        parsed.model,
      );
      return record(
        await sendStream(response, frames, profile.stream, headers.headers),
        parsed.model,
        parsed.images,
      );
    }
    const reply = replyFor(decision, route, parsed, composed, {
      id,
      at,
      embeddingDimensions: this.profile(route.provider).embeddingDimensions,
    });
    record(reply.status === 200 ? 'ok' : reply.status, parsed.model, parsed.images);
    send(response, this.#withLimitHeaders(reply, route, profile, parsed.model));
  }

  /**
   * Charges a call to its provider's limits, when it has some and the call counts against them: a
   * 429 in the provider's format when the call does not fit (answered at once), else undefined.
   */
  #limited(
    route: Route,
    profile: SimulatedProfile,
    decision: Decision,
    model: string,
    tokens: number,
    id: string,
    at: number,
  ): WireReply | undefined {
    if (!profile.limits || !countsAgainstLimits(decision)) return undefined;
    const admission = this.#limits.admit(route.provider, model, profile.limits, { requests: 1, tokens }, at);
    if (admission.kind === 'admitted') return undefined;
    const wire = limitWireOf(route.wire.name);
    const { dimension, limit, used, requested, retryAfterMs } = admission;
    const reply = wire.rateLimited({ id, model, dimension, limit, used, requested, retryAfterMs, now: at });
    return { ...reply, headers: { ...reply.headers, ...wire.headers(admission.view, at) } };
  }

  /**
   * Every response carries the rate-limit headers of its wire format while the provider has limits,
   * as they stand when it is sent.
   */
  #withLimitHeaders(reply: WireReply, route: Route, profile: SimulatedProfile, model: string): WireReply {
    if (!profile.limits) return reply;
    const at = this.#now();
    const view = this.#limits.view(route.provider, model, profile.limits, at);
    return { ...reply, headers: { ...reply.headers, ...limitWireOf(route.wire.name).headers(view, at) } };
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
