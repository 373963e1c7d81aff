import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CallLog, jobIdHeader, type RecordedCall, safeHeaders } from './call-log.js';
import { composeReply } from './compose-reply.js';
import { decide } from './decide.js';
import type { LimitLedger } from './limit-ledger.js';
import { limitedReply, withLimitHeaders } from './limit-replies.js';
import type { SimulatedProfile } from './profile.js';
import { replyFor } from './reply-for.js';
import { type Route, readJson, send } from './routing.js';
import { sendStream } from './send-stream.js';
import { streamFrames } from './stream-frames.js';
import { waitOutLatency } from './wait-latency.js';
import type { RecordedImage } from './wire.js';

/** What serving a call needs of the simulator: its call log, limits, clock, randomness and profiles. */
export interface CallDesk {
  log: CallLog;
  limits: LimitLedger;
  now: () => number;
  random: () => number;
  /** The provider's profile as it stands now (made on first sight). */
  profile: (provider: string) => SimulatedProfile;
}

/**
 * Answers one model call on its route, as the provider's profile decides: an invalid request, a
 * rate limit, a fault, a reply or a stream, after the profile's latency; every call is logged.
 */
export async function serveCall(
  desk: CallDesk,
  route: Route,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readJson(request);
  const at = desk.now();
  const id = randomUUID().replaceAll('-', '').slice(0, 24);
  const parsed = route.wire.parse(body, route.model);
  const jobId = request.headers[jobIdHeader];
  desk.log.started(route.provider, at, typeof jobId === 'string' ? jobId : undefined);
  const record = (outcome: RecordedCall['outcome'], model: string, images: RecordedImage[] = []) =>
    desk.log.finished(route.provider, {
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
  const profile = desk.profile(route.provider);
  const decision = decide(
    profile,
    {
      promptText: parsed.promptText,
      apiKey: route.wire.apiKey(request.headers, url),
      structured: parsed.structured !== undefined,
    },
    at,
    desk.random,
  );
  const composed = composeReply(route.provider, parsed.model, parsed.promptText, parsed.maxTokens);
  // Tokens as providers reserve them: the input, plus max_tokens (else the output actually sent);
  // an embedding call writes nothing, its input is all it costs.
  const tokens = composed.inputTokens + (parsed.embed ? 0 : (parsed.maxTokens ?? composed.outputTokens));
  const limited = limitedReply(desk.limits, route, profile, decision, parsed.model, tokens, id, at);
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
    const headers = withLimitHeaders(
      desk,
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
    embeddingDimensions: desk.profile(route.provider).embeddingDimensions,
  });
  record(reply.status === 200 ? 'ok' : reply.status, parsed.model, parsed.images);
  send(response, withLimitHeaders(desk, reply, route, profile, parsed.model));
}
