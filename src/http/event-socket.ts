import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { BreakwaterEvent } from '../events/breakwater-event.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logging/logger.js';
import { checkCredentials } from './auth.js';
import { verifyTicket } from './event-ticket.js';

export const eventsPath = '/v1/events';

export interface EventSocketOptions {
  hub: Pick<EventHub, 'listen'>;
  token: string | undefined;
  logger: Logger;
  now?: () => number;
  /** A client this far behind is disconnected rather than buffered for. @defaultValue 4 MiB */
  maxBufferedBytes?: number;
  /** @defaultValue 30000 */
  heartbeatMs?: number;
}

/**
 * `GET /v1/events` upgraded to a WebSocket: every job lifecycle event and breaker transition, from
 * every process, as JSON messages; `?jobId=` keeps one job's events only. Auth: the bearer token, or
 * a ticket from /admin/events-ticket for browsers; a browser page from another origin is refused.
 */
export function attachEventSocket(server: Server, options: EventSocketOptions): { close(): void } {
  const now = options.now ?? Date.now;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    socket.destroy();
  };
  const ignore = () => undefined;

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: a client that resets mid-handshake
    // must not become an uncaught exception.
    socket.on('error', ignore);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== eventsPath) return refuse(socket, 404, 'Not Found');
    // A page on another site must not read the stream with the visitor's cached credentials.
    const origin = request.headers.origin;
    if (origin !== undefined && new URL(origin, 'http://invalid').host !== request.headers.host) {
      return refuse(socket, 403, 'Forbidden');
    }
    const ticket = url.searchParams.get('ticket');
    // Bearer or a ticket only: browsers attach cached basic credentials to any site's WebSocket.
    const allowed =
      (options.token !== undefined &&
        checkCredentials(request.headers.authorization, { token: options.token }) === 'valid') ||
      (ticket !== null && verifyTicket(options.token, ticket, now())) ||
      (options.token === undefined && ticket === null);
    if (!allowed) return refuse(socket, 401, 'Unauthorized');
    const jobId = url.searchParams.get('jobId') ?? undefined;
    socket.removeListener('error', ignore);
    sockets.handleUpgrade(request, socket, head, (client) => serve(client, jobId));
  });

  function serve(client: WebSocket, jobId: string | undefined): void {
    const send = (event: BreakwaterEvent | { type: 'ready'; jobId?: string }) => {
      if (client.readyState !== WebSocket.OPEN) return;
      if (client.bufferedAmount > maxBuffered) {
        client.close(1013, 'too far behind: reconnect');
        return;
      }
      client.send(JSON.stringify(event));
    };
    const stop = options.hub.listen((event) => {
      if (jobId !== undefined && (event.type !== 'job' || event.jobId !== jobId)) return;
      send(event);
    });
    let alive = true;
    client.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) return client.terminate();
      alive = false;
      client.ping();
    }, options.heartbeatMs ?? 30_000);
    heartbeat.unref();
    client.on('close', () => {
      stop();
      clearInterval(heartbeat);
    });
    client.on('error', (error) => options.logger.debug({ err: error }, 'event socket error'));
    send({ type: 'ready', ...(jobId === undefined ? {} : { jobId }) });
  }

  return {
    close() {
      for (const client of sockets.clients) client.close(1001, 'server shutting down');
      sockets.close();
    },
  };
}
