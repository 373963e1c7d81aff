/** What the simulator answers to a prompt, decided before the call is served so its cost is known. */
export interface ComposedReply {
  text: string;
  finishReason: 'stop' | 'length';
  inputTokens: number;
  outputTokens: number;
}

export function composeReply(
  provider: string,
  model: string,
  promptText: string,
  maxTokens: number | undefined,
): ComposedReply {
  const full = `Simulated reply from ${provider} (${model}): ${summarise(promptText)}`;
  const fullTokens = estimateTokens(full);
  const truncated = maxTokens !== undefined && fullTokens > maxTokens;
  return {
    text: truncated ? full.slice(0, Math.max(1, maxTokens * 4)) : full,
    finishReason: truncated ? 'length' : 'stop',
    inputTokens: estimateTokens(promptText),
    outputTokens: truncated ? maxTokens : fullTokens,
  };
}

function summarise(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
