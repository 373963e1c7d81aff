import { estimateTokens } from './compose-reply.js';
import type { Decision } from './decide.js';
import { embeddingVector } from './embedding-vector.js';
import { sampleJson, violatingJson } from './sample-json.js';
import type { ParsedCall, SuccessFacts } from './wire.js';

/** The content of a successful reply: text, a structured answer (as text or a tool call) or vectors. */
export type Answer = Pick<SuccessFacts, 'text' | 'toolCall' | 'embeddings'>;

/**
 * What a simulated provider answers a call with, beyond plain text: JSON generated from a
 * structured request's schema (made invalid when the decision says so), or one deterministic vector
 * per value of an embedding request. Undefined for a plain completion.
 */
export function specialAnswer(
  call: ParsedCall,
  decision: Extract<Decision, { kind: 'reply' }>,
  embeddingDimensions: number,
): Answer | undefined {
  if (call.embed) {
    const dimensions = call.embed.dimensions ?? embeddingDimensions;
    return {
      text: '',
      embeddings: call.embed.values.map((value) => embeddingVector(call.model, value, dimensions)),
    };
  }
  const ask = call.structured;
  if (!ask) return undefined;
  if (decision.invalidOutput === 'bad-json') return { text: '{"simulated": "not JSON, cut off' };
  const value =
    decision.invalidOutput === 'schema-violation' ? violatingJson(ask.schema) : sampleJson(ask.schema);
  if (value === undefined) return { text: '{"simulated": "not JSON, cut off' };
  if (ask.tool) return { text: '', toolCall: { name: ask.tool, input: value } };
  return { text: JSON.stringify(value) };
}

/**
 * A special answer as a reply's facts. A JSON answer longer than the request's max tokens is cut
 * off mid-value with a `length` finish, as a real model's is; a matching prompt ends at the filter.
 */
export function specialFacts(
  answer: Answer,
  call: ParsedCall,
  decision: Extract<Decision, { kind: 'reply' }>,
  id: string,
  at: number,
): SuccessFacts {
  const output = answer.toolCall ? JSON.stringify(answer.toolCall.input) : answer.text;
  const { maxTokens } = call;
  const cut = !answer.embeddings && maxTokens !== undefined && estimateTokens(output) > maxTokens;
  return {
    id,
    model: call.model,
    ...answer,
    ...(cut && !answer.toolCall ? { text: output.slice(0, Math.max(1, maxTokens * 4)) } : {}),
    finishReason: decision.contentFiltered ? 'content-filter' : cut ? 'length' : 'stop',
    inputTokens: estimateTokens(call.promptText),
    outputTokens: answer.embeddings ? 0 : cut ? maxTokens : estimateTokens(output),
    createdAt: at,
  };
}
