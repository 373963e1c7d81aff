import type { ProviderRequest } from '../providers/run-request.js';

/** Tokens a call is charged before it is sent: the input's characters / 4, plus the output it may write. */
export interface CallEstimate {
  inputTokens: number;
  outputTokens: number;
}

/**
 * The token estimate of a call before it is sent: input characters / 4 (rounded up) plus `maxTokens`,
 * or `assumedOutputTokens` when the job sets none. Settled later from the usage the provider reports.
 */
export function estimateCall(request: ProviderRequest, assumedOutputTokens: number): CallEstimate {
  // An embedding call writes no tokens: its values are all it is charged.
  if ('kind' in request) {
    const chars = request.values.reduce((sum, value) => sum + value.length, 0);
    return { inputTokens: Math.ceil(chars / 4), outputTokens: 0 };
  }
  let chars = (request.prompt?.length ?? 0) + (request.system?.length ?? 0);
  for (const message of request.messages ?? []) chars += contentChars(message.content);
  return {
    inputTokens: Math.ceil(chars / 4),
    outputTokens: request.maxTokens ?? assumedOutputTokens,
  };
}

/** A message's text characters: a string, or the text parts of an array of parts. */
function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) {
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string') {
      chars += (part as { text: string }).text.length;
    }
  }
  return chars;
}
