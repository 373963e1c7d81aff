import type { CompletionResult, FinishReason } from '../completion.js';

/** An object's fields, or none: batch files are read field by field, never trusted whole. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * One batch item's answer as a completion: its text, its finish reason mapped through the wire's
 * table (`other` when unknown, the provider's own kept), and its token counts when they are numbers.
 */
export function itemResult(
  text: string,
  raw: unknown,
  reasons: Readonly<Record<string, FinishReason>>,
  inputTokens: unknown,
  outputTokens: unknown,
): CompletionResult {
  const rawFinishReason = typeof raw === 'string' ? raw : 'unknown';
  return {
    text,
    finishReason: Object.hasOwn(reasons, rawFinishReason) ? (reasons[rawFinishReason] ?? 'other') : 'other',
    rawFinishReason,
    usage: {
      inputTokens: typeof inputTokens === 'number' ? inputTokens : null,
      outputTokens: typeof outputTokens === 'number' ? outputTokens : null,
    },
    latencyMs: 0,
  };
}
