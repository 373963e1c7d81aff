import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type StreamBehaviour =
  /** Refuses the upgrade (404), as a proxy that does not pass WebSockets. */
  | 'refuse-upgrade'
  /** Accepts the upgrade, then closes before saying `ready`. */
  | 'close-before-ready'
  /** Says `ready`, then drops the connection after `afterMs`. */
  | { dropAfterMs: number };

/**
 * A stand-in for the API where the real one cannot misbehave on demand: its event stream fails in a
 * chosen way, and `respond` answers the HTTP requests.
 */
export async function startFakeApi(
  stream: StreamBehaviour,
  respond: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new WebSocketServer({ noServer: true });
  const server = createServer(respond);
  server.on('upgrade', (request, socket, head) => {
    if (stream === 'refuse-upgrade') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      if (stream === 'close-before-ready') {
        client.close(1001, 'going away');
        return;
      }
      client.send(JSON.stringify({ type: 'ready' }));
      setTimeout(() => client.terminate(), stream.dropAfterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers every read with job 7: `waiting`, or `completed` once `done()` says so (asked once a read). */
export function jobAnswer(done: () => boolean) {
  return (_request: IncomingMessage, response: ServerResponse) => {
    const state = done() ? 'completed' : 'waiting';
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        id: '7',
        state,
        attempts: 1,
        maxAttempts: 5,
        deferrals: 0,
        createdAt: new Date().toISOString(),
        timeline: [],
      }),
    );
  };
}
