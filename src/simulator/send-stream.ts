import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { StreamFrames } from './stream-frames.js';

/** How a simulated stream should go: the pause between pieces, and a cut after K of them. */
export interface StreamPlan {
  chunkDelayMs: number;
  /** Cut the connection after this many pieces of text (a failure midway). */
  failAfterChunks?: number | undefined;
}

/** How a streamed answer ended: sent whole, cut on purpose, or the client went away first. */
export type StreamEnd = 'ok' | 'stream-cut' | 'aborted';

/** Sends a streamed answer as server-sent events, piece by piece. */
export async function sendStream(
  response: ServerResponse,
  frames: StreamFrames,
  plan: StreamPlan,
  headers: Record<string, string>,
): Promise<StreamEnd> {
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  for (const opening of frames.opening) response.write(opening);
  for (const [index, piece] of frames.pieces.entries()) {
    if (response.destroyed) return 'aborted';
    if (plan.failAfterChunks !== undefined && index >= plan.failAfterChunks) {
      response.destroy();
      return 'stream-cut';
    }
    // Each piece leaves before the next (or the cut): a client sees exactly the pieces sent.
    await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    if (plan.chunkDelayMs > 0) await delay(plan.chunkDelayMs);
  }
  if (response.destroyed) return 'aborted';
  for (const closing of frames.closing) response.write(closing);
  response.end();
  return 'ok';
}
