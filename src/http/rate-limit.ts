import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { SlidingWindow } from '../ratelimit/sliding-window.js';
import { presentedToken } from './auth.js';
import { HttpError } from './http-error.js';

/** Most jobs one request can ask for (the bulk limit); a longer `jobs` array is refused anyway. */
const maxCost = 1_000;

/**
 * The submission rate limit, per token: a job counts 1, a bulk request counts its jobs. Shared by
 * every API process through Redis. The bucket is a hash of the presented token (of the client's
 * address when auth is off), never the token itself. Over the limit: 429 with Retry-After.
 */
export function submissionRateLimit(window: SlidingWindow, authEnabled: boolean): RequestHandler {
  return async (request, response, next) => {
    const cost = costOf(request);
    const outcome = await window.take(bucketOf(request, authEnabled), cost);
    switch (outcome.kind) {
      case 'admitted':
        return next();
      case 'limited':
        response.setHeader('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1_000))));
        throw new HttpError(
          429,
          'rate-limited',
          `too many jobs submitted for this token; retry in ${Math.ceil(outcome.retryAfterMs / 1_000)} s`,
        );
      case 'too-large':
        throw new HttpError(
          413,
          'payload-too-large',
          `${cost} jobs in one request is more than the rate limit allows per window (${outcome.limit}); send smaller batches`,
        );
      default:
        throw new Error(`unknown rate limit outcome ${JSON.stringify(outcome satisfies never)}`);
    }
  };
}

/**
 * A body with a `jobs` array costs its length, a flow (`root`) its steps, whatever spelling of the
 * path reached the route.
 */
function costOf(request: Request): number {
  const body = request.body as { jobs?: unknown; root?: unknown } | undefined;
  if (Array.isArray(body?.jobs)) return Math.min(maxCost, Math.max(1, body.jobs.length));
  if (body?.root !== undefined) return Math.min(maxCost, Math.max(1, countSteps(body.root, maxCost)));
  return 1;
}

/** Steps of a flow as submitted (unvalidated), counted up to `limit`. */
function countSteps(step: unknown, limit: number): number {
  let count = 0;
  const pending: unknown[] = [step];
  while (pending.length > 0 && count < limit) {
    const next = pending.pop();
    count += 1;
    const children = (next as { children?: unknown } | null | undefined)?.children;
    if (Array.isArray(children)) pending.push(...children.slice(0, limit));
  }
  return count;
}

/**
 * With auth on, the token checked just before; with auth off, the client's address — never a header
 * the client picks, or each made-up header would get a fresh bucket.
 */
function bucketOf(request: Request, authEnabled: boolean): string {
  // The token itself, not the header: `bearer`, `BEARER` and extra spaces are one bucket.
  const identity = authEnabled
    ? `token:${presentedToken(request.headers.authorization, false) ?? ''}`
    : `address:${request.socket.remoteAddress ?? ''}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
