import type { SuccessFacts, Wire } from './wire.js';

/**
 * A streamed answer as its wire format sends it over server-sent events: the frames before the
 * text, one frame per piece of text, and the frames that finish it (finish reason, usage).
 */
export interface StreamFrames {
  opening: string[];
  pieces: string[];
  closing: string[];
}

/** The answer's text in pieces of one word each (with its trailing space), as models stream it. */
export function textPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

const frame = (data: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export function streamFrames(wire: Wire['name'], facts: SuccessFacts): StreamFrames {
  const pieces = textPieces(facts.text);
  switch (wire) {
    case 'openai':
      return openaiFrames(facts, pieces);
    case 'anthropic':
      return anthropicFrames(facts, pieces);
    case 'google':
      return googleFrames(facts, pieces);
    default:
      throw new Error(`unknown wire ${JSON.stringify(wire satisfies never)}`);
  }
}

/** OpenAI chat completion chunks, usage in a last chunk with no choices, then `[DONE]`. */
function openaiFrames(facts: SuccessFacts, pieces: string[]): StreamFrames {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: `chatcmpl-${facts.id}`,
    object: 'chat.completion.chunk',
    created: Math.floor(facts.createdAt / 1000),
    model: facts.model,
    choices,
    ...extra,
  });
  const finish = facts.finishReason === 'content-filter' ? 'content_filter' : facts.finishReason;
  return {
    opening: [frame(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]))],
    pieces: pieces.map((text) => frame(chunk([{ index: 0, delta: { content: text }, finish_reason: null }]))),
    closing: [
      frame(chunk([{ index: 0, delta: {}, finish_reason: finish }])),
      frame(
        chunk([], {
          usage: {
            prompt_tokens: facts.inputTokens,
            completion_tokens: facts.outputTokens,
            total_tokens: facts.inputTokens + facts.outputTokens,
          },
        }),
      ),
      frame('[DONE]'),
    ],
  };
}

/** Anthropic message events: message_start, one text block of deltas, message_delta, message_stop. */
function anthropicFrames(facts: SuccessFacts, pieces: string[]): StreamFrames {
  const stopReason = { stop: 'end_turn', length: 'max_tokens', 'content-filter': 'refusal' }[
    facts.finishReason
  ];
  return {
    opening: [
      frame(
        {
          type: 'message_start',
          message: {
            id: `msg_${facts.id}`,
            type: 'message',
            role: 'assistant',
            model: facts.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: facts.inputTokens, output_tokens: 1 },
          },
        },
        'message_start',
      ),
      frame(
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
    ],
    pieces: pieces.map((text) =>
      frame(
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        'content_block_delta',
      ),
    ),
    closing: [
      frame({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      frame(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: { output_tokens: facts.outputTokens },
        },
        'message_delta',
      ),
      frame({ type: 'message_stop' }, 'message_stop'),
    ],
  };
}

/** Gemini `streamGenerateContent?alt=sse`: one candidate per piece, the last with its finish and usage. */
function googleFrames(facts: SuccessFacts, pieces: string[]): StreamFrames {
  const response = (text: string, last: boolean) => ({
    candidates: [
      {
        content: { parts: [{ text }], role: 'model' },
        ...(last
          ? {
              finishReason: { stop: 'STOP', length: 'MAX_TOKENS', 'content-filter': 'SAFETY' }[
                facts.finishReason
              ],
            }
          : {}),
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: facts.inputTokens,
      ...(last
        ? {
            candidatesTokenCount: facts.outputTokens,
            totalTokenCount: facts.inputTokens + facts.outputTokens,
          }
        : { totalTokenCount: facts.inputTokens }),
    },
    modelVersion: facts.model,
    responseId: facts.id,
  });
  return {
    opening: [],
    pieces: pieces.map((text) => frame(response(text, false))),
    closing: [frame(response('', true))],
  };
}
