import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `10mb`, `512kb`, `2048` as bytes (1024-based, like the body parser's limit). */
export function parseByteSize(size: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(size);
  if (!match) throw new Error(`not a byte size: ${JSON.stringify(size)} (e.g. 10mb)`);
  return Math.floor(Number(match[1]) * (units[(match[2] ?? 'b').toLowerCase()] ?? 1));
}

/**
 * Refuses a body whose declared Content-Length is over the limit before reading any of it: the body
 * parser would read (and discard) the whole declared body before its 413. The connection is closed
 * after the answer, so the unread body is never drained either.
 */
export function refuseDeclaredOversize(limitBytes: number): RequestHandler {
  return (request, response, next) => {
    const declared = Number(request.headers['content-length']);
    if (!Number.isFinite(declared) || declared <= limitBytes) return next();
    response.setHeader('connection', 'close');
    throw new HttpError(
      413,
      'payload-too-large',
      `the request body is too large (at most ${limitBytes} bytes)`,
    );
  };
}
