import { specialAnswer, specialFacts } from './answer.js';
import type { ComposedReply } from './compose-reply.js';
import type { Decision } from './decide.js';
import { limitWireOf } from './limit-wire.js';
import type { Route } from './routing.js';
import type { ParsedCall, WireReply } from './wire.js';

/** What a reply needs beyond the decision: the call's id and time, and the provider's vector size. */
export interface ReplyFacts {
  id: string;
  at: number;
  embeddingDimensions: number;
}

/** The answer a decided call gets in its wire format: an error, the quota refusal, or a success. */
export function replyFor(
  decision: Decision,
  route: Route,
  call: ParsedCall,
  composed: ComposedReply,
  { id, at, embeddingDimensions }: ReplyFacts,
): WireReply {
  const { model } = call;
  if (decision.kind === 'error' && decision.error === 'quota-exhausted') {
    return limitWireOf(route.wire.name).quotaExhausted({ id, model, now: at });
  }
  if (decision.kind === 'error') {
    const retryAfterDate =
      decision.httpDate && decision.retryAfterSeconds !== undefined
        ? new Date(at + decision.retryAfterSeconds * 1000).toUTCString()
        : undefined;
    return route.wire.error({
      id,
      status: decision.status,
      kind: decision.error,
      model,
      ...(decision.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: decision.retryAfterSeconds }),
      ...(retryAfterDate ? { retryAfterDate } : {}),
    });
  }
  if (decision.kind !== 'reply') throw new Error('a hung call gets no reply');
  const special = specialAnswer(call, decision, embeddingDimensions);
  if (special) return route.wire.success(specialFacts(special, call, decision, id, at));
  const filtered = decision.contentFiltered ? { finishReason: 'content-filter' as const } : {};
  return route.wire.success({ id, model, ...composed, ...filtered, createdAt: at });
}
