/** The narrow contract every provider adapter implements: one request in, one result out. */

/** Text or an image (by URL, or base64 `data` with its media type) in a message's content. */
export type MessagePart =
  | { type: 'text'; text: string }
  | { type: 'image'; url?: string | undefined; data?: string | undefined; mediaType?: string | undefined };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | MessagePart[];
}

/** A JSON Schema the answer must match, and the name some providers give it. */
export interface StructuredOutput {
  schema: Record<string, unknown>;
  name?: string | undefined;
}

/** Exactly one of `messages` or `prompt` is set; the job schema enforces it at the edge. */
export interface CompletionRequest {
  messages?: ChatMessage[];
  prompt?: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  /** Ask for a JSON object matching this schema; the result then carries it as `object`. */
  output?: StructuredOutput;
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
  /** A structured request's answer, validated against its schema. */
  object?: unknown;
  usage: TokenUsage;
  latencyMs: number;
  /** What the answer's headers said of the provider's limits (`x-ratelimit-*`, `anthropic-ratelimit-*`). */
  rateLimitHeaders?: Record<string, string>;
}

/** Strings to embed, in one call of an embedding model. */
export interface EmbeddingRequest {
  kind: 'embed';
  values: string[];
  headers?: Record<string, string>;
}

export interface EmbeddingResult {
  kind: 'embed';
  /** One vector per value, in order. */
  embeddings: number[][];
  /** Embeddings have input tokens only: `outputTokens` is 0. */
  usage: TokenUsage;
  latencyMs: number;
  /** What the last answer's headers said of the provider's limits. */
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
  /**
   * The same call, streamed: each piece of text goes to `onText` as it arrives; resolves with the
   * whole answer, like `complete`. Free text only (no `output`).
   */
  stream?(
    request: CompletionRequest,
    options: CallOptions,
    onText: (text: string) => void,
  ): Promise<CompletionResult>;
  /** Embeds the values (an embedding model's adapter only). */
  embed?(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResult>;
}
