import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchRoute, readJson, send } from '../../src/simulator/routing.js';
import { isRecord } from '../../src/simulator/wire.js';

/**
 * A provider that speaks the real OpenAI and Anthropic wire formats (the simulator's), picks its
 * answer from the prompt — `ok`, `401`, `429`, `500`, `timeout` (never answers), `badbody` (200 with
 * a body no SDK can read) — and, like careless real providers, echoes the key it was sent in every
 * error message, a response header and the bad body. Serves `/{name}/v1/...` as the simulator does.
 */
export class CanaryProvider {
  #server: Server | undefined;
  /** Every key presented, so a test can check the canaries really went out. */
  readonly keysSeen = new Set<string>();
  readonly outcomes: string[] = [];

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch(() => {
        if (!response.headersSent)
          send(response, { status: 500, headers: {}, body: { error: 'canary broke' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://canary');
    const route = matchRoute(request.method ?? 'GET', url.pathname);
    if (!route) return send(response, { status: 404, headers: {}, body: { error: 'no route' } });
    const body = await readJson(request);
    const key = route.wire.apiKey(request.headers, url) ?? '';
    this.keysSeen.add(key);
    const parsed = route.wire.parse(body, route.model);
    if ('invalid' in parsed)
      return send(response, { status: 400, headers: {}, body: { error: parsed.invalid } });
    const behaviour = ['401', '429', '500', 'timeout', 'badbody'].find((word) =>
      parsed.promptText.includes(word),
    );
    this.outcomes.push(behaviour ?? 'ok');
    const echo = { 'x-request-key': key };
    const failure = (status: number, kind: 'unauthorized' | 'rate-limited' | 'down') => {
      const reply = route.wire.error({
        id: 'canary',
        status,
        kind,
        model: parsed.model,
        ...(status === 429 ? { retryAfterSeconds: 1 } : {}),
      });
      const error = isRecord(reply.body) && isRecord(reply.body.error) ? reply.body.error : undefined;
      if (error) error.message = `${String(error.message)}; key sent: ${key}`;
      return { ...reply, headers: { ...reply.headers, ...echo } };
    };
    switch (behaviour) {
      case '401':
        return send(response, failure(401, 'unauthorized'));
      case '429':
        return send(response, failure(429, 'rate-limited'));
      case '500':
        return send(response, failure(500, 'down'));
      case 'timeout':
        return; // never answers; the adapter aborts at the provider's timeoutMs
      case 'badbody':
        return send(response, {
          status: 200,
          headers: echo,
          body: { choices: `not a reply; key ${key}`, content: key },
        });
      default:
        return send(
          response,
          route.wire.success({
            id: 'canary',
            model: parsed.model,
            text: 'all good',
            finishReason: 'stop',
            inputTokens: 3,
            outputTokens: 2,
            createdAt: Date.now(),
          }),
        );
    }
  }

  close(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
