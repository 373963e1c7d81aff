import type { SuccessFacts } from './wire.js';

/** The answer a simulated provider gives a prompt, cut at `maxTokens` like a real one. */
export function replyFacts(
  provider: string,
  call: { model: string; promptText: string; maxTokens?: number | undefined },
  id: string,
  createdAt: number,
): SuccessFacts {
  const full = `Simulated reply from ${provider} (${call.model}): ${summarise(call.promptText)}`;
  const fullTokens = estimateTokens(full);
  const { maxTokens } = call;
  const truncated = maxTokens !== undefined && fullTokens > maxTokens;
  return {
    id,
    model: call.model,
    text: truncated ? full.slice(0, Math.max(1, maxTokens * 4)) : full,
    finishReason: truncated ? 'length' : 'stop',
    inputTokens: estimateTokens(call.promptText),
    outputTokens: truncated ? maxTokens : fullTokens,
    createdAt,
  };
}

function summarise(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
