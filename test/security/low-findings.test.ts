import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakwaterEvent } from '../../src/events/breakwater-event.js';
import { attachEventSocket } from '../../src/http/event-socket.js';
import { applyServerLimits } from '../../src/http/server-limits.js';
import { createLogger } from '../../src/logging/logger.js';
import { costUsd } from '../../src/pricing/cost.js';
import { ApiHarness } from '../support/api-harness.js';
import { EventClient } from '../support/event-client.js';
import { rawRequest } from '../support/raw-request.js';

/** The low findings of the security review, each as the request that showed it. */
let harness: ApiHarness;
beforeAll(async () => {
  harness = await new ApiHarness().start();
});
afterAll(() => harness.stop());

type Refusal = { error: { code: string; fields?: { path: string; message: string }[] } };
const paths = (body: Refusal) => body.error.fields?.map((field) => field.path) ?? [];

describe('names that are Object.prototype properties', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it('are unknown routes and providers: 400 naming the field, alone or in a bulk', async () => {
    for (const name of names) {
      const route = await harness.request<Refusal>('POST', '/v1/jobs', { prompt: 'hi', route: name });
      expect(route.status, name).toBe(400);
      expect(paths(route.body)).toEqual(['route']);
      const bulk = await harness.request<Refusal>('POST', '/v1/jobs/bulk', {
        jobs: [{ prompt: 'hi' }, { prompt: 'hi', route: name }],
      });
      expect(bulk.status, name).toBe(400);
      expect(paths(bulk.body)).toEqual(['jobs.1.route']);
      const chain = await harness.request<Refusal>('POST', '/v1/jobs', {
        prompt: 'hi',
        chain: [{ provider: name, model: 'gpt-4.1-mini' }],
      });
      expect(chain.status, name).toBe(400);
      expect(paths(chain.body)).toEqual(['chain.0.provider']);
    }
  });

  it('price as unknown models (null), not as Object methods', () => {
    for (const name of names) {
      expect(costUsd(name, { inputTokens: 10, outputTokens: 10 }, {})).toBeNull();
    }
  });
});

describe('bad input that was a 5xx', () => {
  it('metadata nested 10,000 deep is a 400 naming metadata; 32 levels are accepted', async () => {
    // Written by hand: JSON.stringify itself overflows on such a value.
    const deep = `{"prompt":"hi","metadata":${'{"next":'.repeat(10_000)}"bottom"${'}'.repeat(10_001)}`;
    const refused = await harness.request<Refusal>('POST', '/v1/jobs', deep);
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['metadata']);
    let allowed: unknown = 'bottom';
    for (let level = 0; level < 31; level += 1) allowed = { next: allowed };
    expect((await harness.request('POST', '/v1/jobs', { prompt: 'hi', metadata: { allowed } })).status).toBe(
      202,
    );
  });

  it('metadata counts in the job size limit: a 9 MB key is refused, text plus metadata over 1M chars too', async () => {
    const huge = await harness.request<Refusal>('POST', '/v1/jobs', {
      prompt: 'hi',
      metadata: { blob: 'x'.repeat(9_000_000) },
    });
    expect(huge.status).toBe(400);
    expect(paths(huge.body)).toEqual(['metadata']);
    const together = await harness.request<Refusal>('POST', '/v1/jobs', {
      prompt: 'p'.repeat(600_000),
      metadata: { note: 'm'.repeat(500_000) },
    });
    expect(together.status).toBe(400);
  });

  it('a job id that is not UTF-8 (%ff) is a 400 on GET and DELETE', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await harness.request<Refusal>(method, '/v1/jobs/%ff');
      expect(response.status, method).toBe(400);
      expect(response.body.error.code).toBe('invalid-request');
    }
  });

  it('a body declared gzip that is not gzip is a 400; a real gzip body is read', async () => {
    const url = `${harness.api.url}/v1/jobs`;
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const garbage = await rawRequest(url, { method: 'POST', headers, body: '{"prompt":"hi"}' });
    expect(garbage.status).toBe(400);
    const real = await rawRequest(url, { method: 'POST', headers, body: gzipSync('{"prompt":"hi"}') });
    expect(real.status).toBe(202);
  });

  it('delayMs is capped at a year; a job already holding a larger delay still reads', async () => {
    const refused = await harness.request<Refusal>('POST', '/v1/jobs', {
      prompt: 'hi',
      delayMs: Number.MAX_SAFE_INTEGER,
    });
    expect(refused.status).toBe(400);
    expect(paths(refused.body)).toEqual(['delayMs']);
    const year = 365 * 24 * 3600 * 1000;
    expect((await harness.request('POST', '/v1/jobs', { prompt: 'hi', delayMs: year })).status).toBe(202);
    // Written by an older producer, before the cap.
    const old = await harness.queue.add(
      'completion',
      { prompt: 'hi', onAllOpen: 'defer' },
      { delay: Number.MAX_SAFE_INTEGER },
    );
    const read = await harness.request<{ state: string }>('GET', `/v1/jobs/${old.id}`);
    expect(read.status).toBe(200);
    expect(read.body.state).toBe('delayed');
  });
});

describe('opening a provider by hand', () => {
  it('caps the reason at 500 characters and the duration at a year', async () => {
    const long = await harness.request<Refusal>('POST', '/v1/providers/primary/open', {
      reason: 'r'.repeat(9_000),
    });
    expect(long.status).toBe(400);
    expect(paths(long.body)).toEqual(['reason']);
    const forever = await harness.request<Refusal>('POST', '/v1/providers/primary/open', {
      reason: 'drill',
      durationMs: Number.MAX_SAFE_INTEGER,
    });
    expect(forever.status).toBe(400);
    expect(paths(forever.body)).toEqual(['durationMs']);
    expect((await harness.request('GET', '/v1/providers')).status).toBe(200);
    const fits = await harness.request('POST', '/v1/providers/primary/open', { reason: 'r'.repeat(500) });
    expect(fits.status).toBe(200);
    await harness.request('POST', '/v1/providers/primary/close', { reason: 'done' });
  });
});

describe('the event WebSocket', () => {
  const listeners = new Set<(event: BreakwaterEvent) => void>();
  const hub = {
    listen(listener: (event: BreakwaterEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  let clock = 1_000_000;
  let server: Server;
  let events: ReturnType<typeof attachEventSocket>;
  let url = '';
  beforeAll(async () => {
    server = createServer((_request, response) => response.end());
    events = attachEventSocket(server, {
      hub,
      token: undefined,
      logger: createLogger({ level: 'silent' }),
      now: () => clock,
      maxConnections: 4,
      maxConnectionsPerClient: 2,
      // Far above what the test sends: only the time rule can drop the client.
      maxBufferedBytes: 256 * 1024 * 1024,
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
  });
  afterAll(async () => {
    events.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const from = (localAddress: string) => connectFrom(url, localAddress);

  it('caps connections per client address and in total', async () => {
    const first = [await from('127.0.0.1'), await from('127.0.0.1')];
    await expect(from('127.0.0.1')).rejects.toThrow('HTTP 429');
    const second = [await from('127.0.0.2'), await from('127.0.0.2')];
    await expect(from('127.0.0.3')).rejects.toThrow('HTTP 503');
    expect(events.connections).toBe(4);
    for (const client of [...first, ...second]) client.close();
    await waitFor(() => events.connections === 0);
    const again = await from('127.0.0.3');
    again.close();
  });

  it('drops a client whose unsent data stays high, freeing its buffer', async () => {
    await waitFor(() => events.connections === 0);
    const reader = await rawUpgrade(url);
    reader.pause();
    const padding = 'x'.repeat(256 * 1024);
    const event = { type: 'breaker', provider: 'p', state: 'open', at: 'now', worker: 'w', reason: padding };
    // 16 MB: more than the kernel's socket buffers hold, so the server keeps data it cannot send.
    for (let round = 0; round < 64; round += 1) {
      for (const listener of listeners) listener(event as unknown as BreakwaterEvent);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Behind, but not for long yet.
    expect(events.connections).toBe(1);
    clock += 10_001;
    for (const listener of listeners) listener(event as unknown as BreakwaterEvent);
    await waitFor(() => events.connections === 0);
    reader.destroy();
  });
});

describe('event tickets', () => {
  let guarded: ApiHarness;
  beforeAll(async () => {
    guarded = await new ApiHarness({ token: 'ticket-token' }).start();
  });
  afterAll(() => guarded.stop());

  it('open one connection each', async () => {
    const basic = { authorization: `Basic ${Buffer.from('admin:ticket-token').toString('base64')}` };
    const { body } = await guarded.request<{ ticket: string }>(
      'GET',
      '/admin/events-ticket',
      undefined,
      basic,
    );
    const url = `${guarded.api.url.replace(/^http/, 'ws')}/v1/events?ticket=${encodeURIComponent(body.ticket)}`;
    const first = await EventClient.connect(url);
    await expect(EventClient.connect(url)).rejects.toThrow('HTTP 401');
    first.close();
    const next = await guarded.request<{ ticket: string }>('GET', '/admin/events-ticket', undefined, basic);
    expect(next.body.ticket).not.toBe(body.ticket);
  });
});

describe('headers and limits of the HTTP server', () => {
  it('sends no X-Powered-By from Bull Board, and a CSP and X-Frame-Options on its pages and /docs', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/providers', '/docs']) {
      const response = await harness.request('GET', path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('x-powered-by'), path).toBeNull();
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('refuses a declared 1 GB body with 413 before reading any of it', async () => {
    const port = Number(new URL(harness.api.url).port);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${1024 ** 3}\r\n\r\n{"prompt":`,
    );
    const answer = await firstData(socket, 5_000);
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe('server time limits', () => {
  it('answers a request whose body stalls with 408 once requestTimeout passes', async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('read'));
    });
    applyServerLimits(server, { requestTimeoutMs: 600, headersTimeoutMs: 500, checkIntervalMs: 100 });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 100\r\n\r\n{"half":`);
    const answer = await firstData(socket, 5_000);
    socket.destroy();
    server.close();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // The defaults an API needs, well under Node's 300 s.
    const defaults = createServer();
    applyServerLimits(defaults);
    expect(defaults.requestTimeout).toBe(30_000);
    expect(defaults.headersTimeout).toBeLessThanOrEqual(30_000);
  });
});

/** A /v1/events client connecting from a given loopback address. */
async function connectFrom(url: string, localAddress: string): Promise<EventClient> {
  const { WebSocket } = await import('ws');
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { localAddress });
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
    socket.once('error', reject);
    socket.once('message', () => resolve({ close: () => socket.close() } as EventClient));
  });
}

/** The WebSocket handshake by hand, leaving a socket that reads nothing more unless told. */
async function rawUpgrade(url: string): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  expect(await firstData(socket, 5_000)).toMatch(/^HTTP\/1\.1 101/);
  return socket;
}

function firstData(socket: Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk.toString('utf8'));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
