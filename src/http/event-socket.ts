import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { BreakwaterEvent } from '../events/breakwater-event.js';
import type { EventHub } from '../events/event-hub.js';
import type { Logger } from '../logging/logger.js';
import { checkCredentials } from './auth.js';
import { ConnectionQuota } from './connection-quota.js';
import { TicketBook } from './event-ticket.js';
import { type HostRule, hostAllowed } from './host-guard.js';

export const eventsPath = '/v1/events';

export interface EventSocketOptions {
  hub: Pick<EventHub, 'listen'>;
  token: string | undefined;
  logger: Logger;
  now?: () => number;
  /** `api.allowedHosts` and `api.hostCheck`: upgrades naming another Host are refused (421). */
  hosts?: Omit<HostRule, 'token'>;
  /** `api.maxEventConnections`: open sockets per process; more are refused (503). @defaultValue 256 */
  maxConnections?: number;
  /** `api.maxEventConnectionsPerClient`: per remote address (429 past it). @defaultValue 16 */
  maxConnectionsPerClient?: number;
  /** A client this far behind is disconnected rather than buffered for. @defaultValue 1 MiB */
  maxBufferedBytes?: number;
  /**
   * A client whose unsent data stays above `slowBytes` this long has stopped reading: it is
   * disconnected. @defaultValue 10000
   */
  slowClientMs?: number;
  /** @defaultValue 64 KiB */
  slowBytes?: number;
  /** @defaultValue 30000 */
  heartbeatMs?: number;
}

/**
 * `GET /v1/events` upgraded to a WebSocket: every job lifecycle event and breaker transition, from
 * every process, as JSON messages; `?jobId=` keeps one job's events only. Auth: the bearer token, or
 * a ticket from /admin/events-ticket for browsers; a browser page from another origin is refused.
 */
export function attachEventSocket(
  server: Server,
  options: EventSocketOptions,
): { close(): void; readonly connections: number } {
  const now = options.now ?? Date.now;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const slowBytes = options.slowBytes ?? 64 * 1024;
  const slowClientMs = options.slowClientMs ?? 10_000;
  const hosts: HostRule = { allowedHosts: [], ...options.hosts, token: options.token };
  const quota = new ConnectionQuota(options.maxConnections ?? 256, options.maxConnectionsPerClient ?? 16);
  const tickets = new TicketBook(options.token);
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
    // DNS rebinding makes Origin and Host agree; only the Host's name gives the page away.
    if (!hostAllowed(request.headers.host, hosts)) return refuse(socket, 421, 'Misdirected Request');
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
      (ticket !== null && tickets.redeem(ticket, now())) ||
      (options.token === undefined && ticket === null);
    if (!allowed) return refuse(socket, 401, 'Unauthorized');
    const admission = quota.admit(request.socket.remoteAddress ?? 'unknown');
    if (admission.kind === 'server-full') return refuse(socket, 503, 'Service Unavailable');
    if (admission.kind === 'client-full') return refuse(socket, 429, 'Too Many Requests');
    const jobId = url.searchParams.get('jobId') ?? undefined;
    socket.removeListener('error', ignore);
    socket.once('close', admission.release);
    sockets.handleUpgrade(request, socket, head, (client) => serve(client, jobId));
  });

  function serve(client: WebSocket, jobId: string | undefined): void {
    /** Since when the client's unsent data has stayed above slowBytes; undefined while it keeps up. */
    let behindSince: number | undefined;
    const keepingUp = (): boolean => {
      const buffered = client.bufferedAmount;
      if (buffered <= slowBytes) {
        behindSince = undefined;
        return true;
      }
      behindSince ??= now();
      return buffered <= maxBuffered && now() - behindSince < slowClientMs;
    };
    const send = (event: BreakwaterEvent | { type: 'ready'; jobId?: string }) => {
      if (client.readyState !== WebSocket.OPEN) return;
      if (!keepingUp()) {
        // A close frame would queue behind what the client does not read: cut the connection,
        // which frees its buffer at once.
        options.logger.debug({ buffered: client.bufferedAmount }, 'event socket client stopped reading');
        client.terminate();
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
      if (!alive || !keepingUp()) return client.terminate();
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
    /** Open sockets, counting those still in their handshake. */
    get connections() {
      return quota.total;
    },
    close() {
      for (const client of sockets.clients) client.close(1001, 'server shutting down');
      sockets.close();
    },
  };
}
