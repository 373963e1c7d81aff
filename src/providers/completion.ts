/** The narrow contract every provider adapter implements: one request in, one result out. */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Exactly one of `messages` or `prompt` is set; the job schema enforces it at the edge. */
export interface CompletionRequest {
  messages?: ChatMessage[];
  prompt?: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  /** Extra HTTP headers for the provider call (e.g. the job id, so duplicates are traceable). */
  headers?: Record<string, string>;
}

/** Unified finish reasons; the provider's own value is kept in `rawFinishReason`. */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface CompletionResult {
  text: string;
  finishReason: FinishReason;
  rawFinishReason?: string;
  usage: TokenUsage;
  latencyMs: number;
  /** What the answer's headers said of the provider's limits (`x-ratelimit-*`, `anthropic-ratelimit-*`). */
  rateLimitHeaders?: Record<string, string>;
}

export interface CallOptions {
  /** Aborts the call when the job is cancelled or the worker shuts down. */
  signal?: AbortSignal;
  /** The call is aborted (not abandoned) after this long and ends in a `retryable` timeout. */
  timeoutMs: number;
}

export interface LanguageModelAdapter {
  readonly provider: string;
  readonly modelId: string;
  complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResult>;
}
