/**
 * The endpoint of the slow-provider bench: OpenAI chat completions (`POST /v1/chat/completions`,
 * non-streaming) answered after `LATENCY_MS`, with nothing else to spend CPU on. `PORT` sets the
 * port. `GET /_stats` counts the sockets clients opened and the most requests in flight at once
 * since the last `DELETE /_stats`, so the bench can show both sides had the same connection budget;
 * `DELETE /_stats` also closes idle keep-alive sockets, so each side starts with none.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const latencyMs = Number(process.env.LATENCY_MS ?? 1_000);
let counts = { connections: 0, requests: 0, peakInFlight: 0 };
let inFlight = 0;

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

async function completion(request: IncomingMessage, response: ServerResponse): Promise<void> {
  inFlight += 1;
  counts.requests += 1;
  counts.peakInFlight = Math.max(counts.peakInFlight, inFlight);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: string; stream?: boolean };
    if (body.stream) {
      send(response, 400, {
        error: { message: 'this endpoint does not stream', type: 'invalid_request_error' },
      });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    send(response, 200, {
      id: `chatcmpl-${counts.requests}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? 'unknown',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
    });
  } finally {
    inFlight -= 1;
  }
}

const server = createServer((request, response) => {
  const route = `${request.method} ${request.url}`;
  if (route === 'POST /v1/chat/completions') {
    completion(request, response).catch(() => send(response, 400, { error: { message: 'bad request' } }));
  } else if (route === 'GET /readyz') {
    send(response, 200, { status: 'ready' });
  } else if (route === 'GET /_stats') {
    send(response, 200, counts);
  } else if (route === 'DELETE /_stats') {
    server.closeIdleConnections();
    counts = { connections: 0, requests: 0, peakInFlight: inFlight };
    send(response, 200, counts);
  } else {
    send(response, 404, { error: { message: `no route ${route}` } });
  }
});
server.on('connection', () => {
  counts.connections += 1;
});
server.listen(Number(process.env.PORT), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
