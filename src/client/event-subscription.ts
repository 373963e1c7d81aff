import { WebSocket } from 'ws';
import type { BreakwaterEvent } from '../events/breakwater-event.js';
import { BreakwaterApiError } from './breakwater-api-error.js';

export interface EventSubscription {
  /** Stops listening. */
  close(): void;
  /** Resolves when the socket closes, whoever closed it. */
  readonly closed: Promise<void>;
}

export interface SubscribeOptions {
  /** Only this job's events. */
  jobId?: string;
  /** Connecting takes at most this long. @defaultValue 10000 */
  timeoutMs?: number;
}

/**
 * Listens to the API's `/v1/events` WebSocket; resolves once the server says it is subscribed.
 * Refusals reject with a BreakwaterApiError carrying the HTTP status (401, 404, …), and an API that
 * cannot be reached with code `unreachable`.
 */
export function subscribeToEvents(
  apiUrl: string,
  token: string | undefined,
  onEvent: (event: BreakwaterEvent) => void,
  options: SubscribeOptions = {},
): Promise<EventSubscription> {
  const url = new URL(`${apiUrl.replace(/^http/, 'ws')}/v1/events`);
  if (options.jobId !== undefined) url.searchParams.set('jobId', options.jobId);
  const socket = new WebSocket(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    handshakeTimeout: options.timeoutMs ?? 10_000,
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      reject(
        new BreakwaterApiError(
          response.statusCode ?? 0,
          'events-refused',
          `GET /v1/events answered ${response.statusCode}`,
        ),
      );
    });
    socket.once('error', (error) =>
      reject(
        new BreakwaterApiError(0, 'unreachable', `cannot subscribe to ${url.origin} (${error.message})`),
      ),
    );
    socket.on('message', (data) => {
      let message: { type?: string };
      try {
        message = JSON.parse(String(data)) as { type?: string };
      } catch {
        return;
      }
      if (message.type === 'ready') {
        socket.on('error', () => undefined);
        resolve({ close: () => socket.close(), closed });
      } else if (message.type === 'job' || message.type === 'breaker') {
        onEvent(message as BreakwaterEvent);
      }
    });
  });
}
