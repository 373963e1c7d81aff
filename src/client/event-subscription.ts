import { WebSocket } from 'ws';
import type { BreakwaterEvent } from '../contract/index.js';
import { BreakwaterApiError } from './breakwater-api-error.js';

export interface EventSubscription {
  /** Stops listening. */
  close(): void;
  /** Resolves when the socket closes, whoever closed it (or went silent). */
  readonly closed: Promise<void>;
}

export interface SubscribeOptions {
  /** Only this job's events. */
  jobId?: string;
  /** Subscribing (connection, upgrade and the server's `ready`) takes at most this long. @defaultValue 10000 */
  timeoutMs?: number;
  /**
   * The server pings every 30 s; a socket silent for this long is taken for dead and closed, so a
   * lost network does not leave a listener waiting for ever. @defaultValue 75000
   */
  silenceMs?: number;
}

/**
 * Listens to the API's `/v1/events` WebSocket; resolves once the server says it is subscribed.
 * Refusals reject with a BreakwaterApiError carrying the HTTP status (401, 404, …); an API that
 * cannot be reached, closes early or does not answer in time rejects with code `unreachable`.
 */
export function subscribeToEvents(
  apiUrl: string,
  token: string | undefined,
  onEvent: (event: BreakwaterEvent) => void,
  options: SubscribeOptions = {},
): Promise<EventSubscription> {
  const url = new URL(`${apiUrl.replace(/^http/, 'ws')}/v1/events`);
  if (options.jobId !== undefined) url.searchParams.set('jobId', options.jobId);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = new WebSocket(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    handshakeTimeout: timeoutMs,
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const silenceMs = options.silenceMs ?? 75_000;
  let silence: NodeJS.Timeout | undefined;
  const heard = () => {
    clearTimeout(silence);
    silence = setTimeout(() => socket.terminate(), silenceMs);
    silence.unref();
  };
  socket.on('ping', heard);
  void closed.then(() => clearTimeout(silence));

  return new Promise((resolve, reject) => {
    const fail = (error: BreakwaterApiError) => {
      clearTimeout(deadline);
      socket.terminate();
      reject(error);
    };
    const deadline = setTimeout(
      () =>
        fail(
          new BreakwaterApiError(
            0,
            'unreachable',
            `no event stream from ${url.origin} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    socket.once('unexpected-response', (_request, response) => {
      fail(
        new BreakwaterApiError(
          response.statusCode ?? 0,
          'events-refused',
          `GET /v1/events answered ${response.statusCode}`,
        ),
      );
    });
    socket.once('error', (error) =>
      fail(new BreakwaterApiError(0, 'unreachable', `cannot subscribe to ${url.origin} (${error.message})`)),
    );
    // Closed before the server said it was subscribed: an API restarting, a proxy dropping it.
    socket.once('close', () =>
      fail(
        new BreakwaterApiError(
          0,
          'unreachable',
          `the event stream from ${url.origin} closed before it began`,
        ),
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
        clearTimeout(deadline);
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        heard();
        resolve({ close: () => socket.close(), closed });
      } else if (message.type === 'job' || message.type === 'breaker') {
        onEvent(message as BreakwaterEvent);
      }
    });
  });
}
