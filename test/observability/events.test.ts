import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { type ApiRuntime, startApiRuntime } from '../../src/runtime/api-runtime.js';
import { ApiHarness } from '../support/api-harness.js';
import { EventClient } from '../support/event-client.js';
import { FleetHarness } from '../support/fleet-harness.js';
import { redisUrl } from '../support/worker-harness.js';

const token = 'events-test-token';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const wsUrl = (api: { url: string }, query = '') => `${api.url.replace(/^http/, 'ws')}/v1/events${query}`;

describe('GET /v1/events (WebSocket)', () => {
  it('streams a breaker opening in another worker process, and the jobs it moved to the fallback', async () => {
    const fleet = await new FleetHarness({ resetTimeoutMs: 30_000, volumeThreshold: 3 }).start();
    cleanups.push(() => fleet.stop());
    const worker = await fleet.startWorker();
    const api: ApiRuntime = await startApiRuntime({
      loaded: { config: fleet.config, secrets: new Map(), source: 'test' },
      redisUrl,
      logger: createLogger({ level: 'silent' }),
      port: 0,
      token,
    });
    cleanups.push(() => api.close());

    await expect(EventClient.connect(wsUrl(api))).rejects.toThrow('HTTP 401');
    await expect(EventClient.connect(wsUrl(api), { authorization: 'Bearer wrong' })).rejects.toThrow(
      'HTTP 401',
    );
    const events = await EventClient.connect(wsUrl(api), { authorization: `Bearer ${token}` });
    cleanups.push(() => events.close());

    fleet.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    const jobs = await fleet.add(8, 'ticket');
    const ids = jobs.map((job) => String(job.id));

    await expect
      .poll(() => events.of((m) => m.type === 'breaker' && m.provider === 'primary' && m.state === 'open'), {
        timeout: 10_000,
      })
      .toHaveLength(1);
    const [opened] = events.of((m) => m.type === 'breaker');
    // Tripped by the worker process (host:pid:…), not by this one.
    expect(opened?.worker).toMatch(new RegExp(`:${worker.child.pid}:`));
    expect(opened).toMatchObject({
      until: expect.any(String),
      reason: expect.stringMatching(/503|overloaded/),
    });

    await expect
      .poll(() => events.of((m) => m.type === 'job' && m.event === 'completed').map((m) => m.jobId), {
        timeout: 10_000,
      })
      .toEqual(expect.arrayContaining(ids));
    const completed = events.of((m) => m.event === 'completed' && m.jobId === ids.at(-1));
    expect(completed[0]).toMatchObject({ provider: 'secondary', model: 'claude-haiku-4-5' });
    expect(events.of((m) => m.event === 'queued').map((m) => m.jobId)).toEqual(expect.arrayContaining(ids));
  });

  it("keeps one job's events with ?jobId=, and reports a deferral once, with its reason", async () => {
    const harness = await new ApiHarness({ worker: true, token }).start();
    cleanups.push(() => harness.stop());
    const auth = { authorization: `Bearer ${token}` };
    const watched = await harness.request<{ id: string }>(
      'POST',
      '/v1/jobs',
      { prompt: 'watched', delayMs: 500 },
      auth,
    );
    const events = await EventClient.connect(wsUrl(harness.api, `?jobId=${watched.body.id}`), auth);
    cleanups.push(() => events.close());
    await harness.request('POST', '/v1/jobs/bulk', { jobs: [{ prompt: 'a' }, { prompt: 'b' }] }, auth);

    await expect.poll(() => events.of((m) => m.event === 'completed'), { timeout: 10_000 }).toHaveLength(1);
    expect(new Set(events.of((m) => m.type === 'job').map((m) => m.jobId))).toEqual(
      new Set([watched.body.id]),
    );
    expect(events.of((m) => m.type === 'job').map((m) => m.event)).toEqual(['active', 'completed']);

    // Every provider of the route open by hand: the next job is deferred, reported once as such.
    const all = await EventClient.connect(wsUrl(harness.api), auth);
    cleanups.push(() => all.close());
    for (const provider of ['primary', 'secondary']) {
      await harness.request(
        'POST',
        `/v1/providers/${provider}/open`,
        { reason: 'drill', durationMs: 60_000 },
        auth,
      );
    }
    await expect.poll(() => all.of((m) => m.type === 'breaker' && m.state === 'open')).toHaveLength(2);
    const deferred = await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt: 'later' }, auth);
    await expect
      .poll(() => all.of((m) => m.jobId === deferred.body.id && m.event === 'deferred'), { timeout: 10_000 })
      .toHaveLength(1);
    expect(all.of((m) => m.jobId === deferred.body.id && m.event === 'deferred')[0]).toMatchObject({
      until: expect.any(String),
      reason: expect.stringMatching(/^primary open/),
    });
    expect(all.of((m) => m.jobId === deferred.body.id && m.event === 'delayed')).toHaveLength(0);
  });

  it('refuses basic credentials and foreign origins, and survives clients that reset mid-handshake', async () => {
    const harness = await new ApiHarness({ token }).start();
    cleanups.push(() => harness.stop());
    const basic = `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`;
    // A browser attaches cached basic credentials to any site's WebSocket: only bearer or a ticket.
    await expect(EventClient.connect(wsUrl(harness.api), { authorization: basic })).rejects.toThrow(
      'HTTP 401',
    );
    await expect(
      EventClient.connect(wsUrl(harness.api), {
        authorization: `Bearer ${token}`,
        origin: 'https://evil.example',
      }),
    ).rejects.toThrow('HTTP 403');
    const sameOrigin = await EventClient.connect(wsUrl(harness.api), {
      authorization: `Bearer ${token}`,
      origin: harness.api.url,
    });
    sameOrigin.close();

    const { port } = new URL(harness.api.url);
    const request = `GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect(Number(port), '127.0.0.1', () => {
              socket.write(request);
              socket.resetAndDestroy();
            });
            socket.on('error', () => undefined);
            socket.on('close', () => resolve());
          }),
      ),
    );
    expect((await harness.request('GET', '/healthz')).status).toBe(200);
  });
});
