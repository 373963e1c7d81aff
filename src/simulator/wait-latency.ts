import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Decision } from './decide.js';

/** Waits out the latency (or forever, for a hang); true when the client went away first. */
export function waitOutLatency(
  decision: Decision,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const latency = decision.kind === 'hang' ? Number.POSITIVE_INFINITY : decision.latencyMs;
  if (latency <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = Number.isFinite(latency) ? setTimeout(() => done(false), latency) : undefined;
    const onClose = () => done(true);
    const done = (aborted: boolean) => {
      clearTimeout(timer);
      response.off('close', onClose);
      resolve(aborted);
    };
    response.once('close', onClose);
    if (response.destroyed || request.socket.destroyed) done(true);
  });
}
