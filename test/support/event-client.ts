import { WebSocket } from 'ws';

/** A WebSocket client of /v1/events that keeps every message it receives. */
export class EventClient {
  readonly messages: Record<string, unknown>[] = [];
  readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  }

  /** Connects and resolves once the server says it is subscribed; rejects with the HTTP status when refused. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<EventClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new EventClient(socket);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
      socket.on('message', () => {
        if (client.messages[0]?.type === 'ready') resolve(client);
      });
    });
  }

  of(match: (message: Record<string, unknown>) => boolean): Record<string, unknown>[] {
    return this.messages.filter(match);
  }

  close(): void {
    this.socket.close();
  }
}
