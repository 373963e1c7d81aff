import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorKind } from './decide.js';

/** A structured request: the schema the answer must match, and whether it is asked as a tool call. */
export interface StructuredAsk {
  schema: unknown;
  /** Anthropic's JSON tool: the answer is a `tool_use` of this name. */
  tool?: string;
}

/** An image a request carried, as the simulator records it. */
export interface RecordedImage {
  /** By URL (the provider fetches it) or inline (base64 in the request). */
  source: 'url' | 'inline';
  mediaType?: string;
  url?: string;
  /** Decoded size of an inline image. */
  bytes?: number;
}

/** One call as the simulator understood it from a provider's request body. */
export interface ParsedCall {
  model: string;
  /** All text of the request (system and messages), for pattern matching and token counts. */
  promptText: string;
  maxTokens?: number;
  structured?: StructuredAsk;
  images?: RecordedImage[];
  /** The answer is asked as a stream of server-sent events. */
  stream?: boolean;
  /** An embedding request: the values, and the dimension asked for if any. */
  embed?: { values: string[]; dimensions?: number };
}

export interface WireReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface SuccessFacts {
  id: string;
  model: string;
  text: string;
  finishReason: 'stop' | 'length' | 'content-filter';
  inputTokens: number;
  outputTokens: number;
  createdAt: number;
  /** A structured answer given as a tool call (Anthropic's JSON tool) instead of text. */
  toolCall?: { name: string; input: unknown };
  /** An embedding request's vectors. */
  embeddings?: number[][];
}

export interface ErrorFacts {
  id: string;
  status: number;
  kind: ErrorKind | 'invalid-request';
  model: string;
  /** Detail for invalid requests. */
  detail?: string;
  retryAfterSeconds?: number;
  /** Retry-After as an HTTP date rather than seconds. */
  retryAfterDate?: string;
}

/** One provider's wire format: how it carries the key, its request, its reply and its errors. */
export interface Wire {
  readonly name: 'openai' | 'anthropic' | 'google';
  apiKey(headers: IncomingHttpHeaders, url: URL): string | undefined;
  parse(body: unknown, pathModel: string | undefined): ParsedCall | { invalid: string };
  success(facts: SuccessFacts): WireReply;
  error(facts: ErrorFacts): WireReply;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a content value: a string, or an array of `{ type: 'text', text }` parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join('\n');
}

/** Decoded size of base64 data. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

export function retryAfterHeader(facts: ErrorFacts): Record<string, string> {
  if (facts.retryAfterDate) return { 'retry-after': facts.retryAfterDate };
  if (facts.retryAfterSeconds !== undefined) return { 'retry-after': String(facts.retryAfterSeconds) };
  return {};
}
