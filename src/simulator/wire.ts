import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorKind } from './decide.js';

/** One call as the simulator understood it from a provider's request body. */
export interface ParsedCall {
  model: string;
  /** All text of the request (system and messages), for pattern matching and token counts. */
  promptText: string;
  maxTokens?: number;
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
  finishReason: 'stop' | 'length';
  inputTokens: number;
  outputTokens: number;
  createdAt: number;
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

export function retryAfterHeader(facts: ErrorFacts): Record<string, string> {
  if (facts.retryAfterDate) return { 'retry-after': facts.retryAfterDate };
  if (facts.retryAfterSeconds !== undefined) return { 'retry-after': String(facts.retryAfterSeconds) };
  return {};
}
