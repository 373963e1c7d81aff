import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How the receiver answers right now. */
export type ReceiverMode =
  /** 200 for every verified delivery. */
  | 'ok'
  /** 500 for everything. */
  | 'error'
  /** 410 Gone. */
  | 'gone'
  /** Reads and records the delivery, then cuts the connection: the sender never learns it arrived. */
  | 'lose-answer'
  /** Reads and records the delivery, and never answers. */
  | 'hang';

export interface Received {
  id: string;
  body: string;
  headers: Record<string, string>;
  /** Whether the standardwebhooks library verified the signature. */
  verified: boolean;
  /** Whether the receiver answered 2xx (acknowledged it). */
  acknowledged: boolean;
  /** How the receiver was answering when it arrived. */
  mode: ReceiverMode;
}

/**
 * A real HTTP webhook receiver that verifies every delivery with the `standardwebhooks` library, as
 * a user's would. It can be stopped (connections refused) and started again on the same port.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  mode: ReceiverMode = 'ok';
  #server: Server | undefined;
  #port = 0;
  readonly #webhook: Webhook;

  constructor(secret: string) {
    this.#webhook = new Webhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hooks`;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        );
        let verified = false;
        try {
          this.#webhook.verify(body, headers);
          verified = true;
        } catch {
          verified = false;
        }
        const mode = this.mode;
        const acknowledged = verified && mode === 'ok';
        this.received.push({ id: headers['webhook-id'] ?? '', body, headers, verified, acknowledged, mode });
        if (mode === 'lose-answer') {
          request.socket.destroy();
          return;
        }
        if (mode === 'hang') return;
        response.statusCode = !verified ? 401 : mode === 'ok' ? 200 : mode === 'gone' ? 410 : 500;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Stops listening: deliveries meet a refused connection until `start` again. */
  stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Acknowledged deliveries per webhook-id. */
  acknowledgedById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const delivery of this.received) {
      if (delivery.acknowledged) counts.set(delivery.id, (counts.get(delivery.id) ?? 0) + 1);
    }
    return counts;
  }

  verify(body: string, headers: Record<string, string>): unknown {
    return this.#webhook.verify(body, headers);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A Standard Webhooks secret for tests: whsec_ and 32 random bytes in base64. */
export function testWebhookSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}
