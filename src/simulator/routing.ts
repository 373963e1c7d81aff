import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicWire } from './anthropic-wire.js';
import { googleEmbeddingsWire, openaiEmbeddingsWire } from './embedding-wires.js';
import { googleWire } from './google-wire.js';
import { openaiWire } from './openai-wire.js';
import type { Wire, WireReply } from './wire.js';

/** Which simulated provider and wire format a request path addresses. */
export interface Route {
  provider: string;
  wire: Wire;
  /** Gemini carries the model in the path. */
  model?: string;
  /** Gemini asks for a stream by its path (`:streamGenerateContent`). */
  stream?: boolean;
}

export function matchRoute(method: string, pathname: string): Route | undefined {
  if (method !== 'POST') return undefined;
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [provider, version, ...rest] = parts;
  if (!provider) return undefined;
  if (version === 'v1' && rest.join('/') === 'chat/completions') return { provider, wire: openaiWire };
  if (version === 'v1' && rest.join('/') === 'messages') return { provider, wire: anthropicWire };
  if (version === 'v1' && rest.join('/') === 'embeddings') return { provider, wire: openaiEmbeddingsWire };
  if (version === 'v1beta' && rest[0] === 'models' && rest.length === 2) {
    const [model, action] = (rest[1] ?? '').split(':');
    if (action === 'generateContent' && model) return { provider, wire: googleWire, model };
    if (action === 'streamGenerateContent' && model)
      return { provider, wire: googleWire, model, stream: true };
    if (action === 'batchEmbedContents' && model)
      return { provider, wire: googleEmbeddingsWire(true), model };
    if (action === 'embedContent' && model) return { provider, wire: googleEmbeddingsWire(false), model };
  }
  return undefined;
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function send(response: ServerResponse, reply: WireReply): void {
  if (response.destroyed) return;
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  response.end(payload);
}
