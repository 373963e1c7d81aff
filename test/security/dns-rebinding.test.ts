import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed } from '../../src/http/host-guard.js';
import { ApiHarness } from '../support/api-harness.js';
import { EventClient } from '../support/event-client.js';
import { rawRequest } from '../support/raw-request.js';

/**
 * DNS rebinding: a page on attacker.example whose name is made to resolve to 127.0.0.1 talks to the
 * API as if same-origin, but its requests say `Host: attacker.example`. Those are refused on every
 * route and on the WebSocket; the loopback names and a configured host are served.
 */
let open: ApiHarness;
let port = '';
beforeAll(async () => {
  open = await new ApiHarness({
    config: (base) => ({ ...base, api: { allowedHosts: ['breakwater.internal', 'api.example.com:8443'] } }),
  }).start();
  port = new URL(open.api.url).port;
});
afterAll(() => open.stop());

const job = JSON.stringify({ prompt: 'summarise the tides' });
const json = { 'content-type': 'application/json' };

function send(host: string, method: string, path: string, body?: string) {
  return rawRequest(`${open.api.url}${path}`, {
    method,
    headers: { host, ...(body === undefined ? {} : json) },
    ...(body === undefined ? {} : { body }),
  });
}

describe('the Host header over HTTP', () => {
  it('refuses every request a rebinding page would make, with 421 and nothing done', async () => {
    const attacker = `attacker.example:${port}`;
    const before = await open.queue.count();
    const refused = await Promise.all([
      send(attacker, 'POST', '/v1/jobs', job),
      send(attacker, 'POST', '/v1/jobs/bulk', JSON.stringify({ jobs: [JSON.parse(job)] })),
      send(attacker, 'GET', '/v1/jobs/1'),
      send(attacker, 'GET', '/v1/providers'),
      send(attacker, 'POST', '/v1/providers/primary/open', JSON.stringify({ reason: 'rebound' })),
      send(attacker, 'GET', '/admin/queues/api/queues'),
      send(attacker, 'GET', '/admin/providers/data'),
      send(attacker, 'GET', '/metrics'),
      send(attacker, 'GET', '/docs'),
      // A configured name on another port than the one configured.
      send('api.example.com:9000', 'GET', '/v1/providers'),
      send(`breakwater.internal.attacker.example:${port}`, 'GET', '/v1/providers'),
    ]);
    for (const response of refused) {
      expect(response.status).toBe(421);
      expect(JSON.parse(response.body).error.code).toBe('misdirected-request');
    }
    expect(await open.queue.count()).toBe(before);
    const providers = await open.request<{ providers: { name: string; state: string }[] }>(
      'GET',
      '/v1/providers',
    );
    expect(providers.body.providers.find((provider) => provider.name === 'primary')?.state).toBe('closed');
  });

  it('serves 127.0.0.1, localhost and [::1] on any port, and the configured hosts', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      'localhost:3000',
      `breakwater.internal:${port}`,
      'breakwater.internal',
      'api.example.com:8443',
    ]) {
      const submitted = await send(host, 'POST', '/v1/jobs', job);
      expect(submitted.status, host).toBe(202);
      const { id } = JSON.parse(submitted.body) as { id: string };
      expect((await send(host, 'GET', `/v1/jobs/${id}`)).status, host).toBe(200);
    }
  });

  it('leaves the health probes open to any Host (they answer only "ok")', async () => {
    expect((await send('10.1.2.3:3000', 'GET', '/healthz')).status).toBe(200);
  });

  it('checks the Host with a token too, unless api.hostCheck is without-token', () => {
    const rule = { allowedHosts: [], token: 'a-token' };
    expect(hostAllowed('attacker.example:3000', rule)).toBe(false);
    expect(hostAllowed('attacker.example:3000', { ...rule, hostCheck: 'always' })).toBe(false);
    expect(hostAllowed('attacker.example:3000', { ...rule, hostCheck: 'without-token' })).toBe(true);
    // Without a token the check cannot be turned off.
    expect(
      hostAllowed('attacker.example:3000', {
        allowedHosts: [],
        token: undefined,
        hostCheck: 'without-token',
      }),
    ).toBe(false);
    expect(hostAllowed(undefined, { allowedHosts: [], token: undefined })).toBe(false);
    expect(hostAllowed('127.0.0.1:3000:evil', { allowedHosts: [], token: undefined })).toBe(false);
  });
});

describe('the Host header on the event WebSocket', () => {
  const eventsUrl = () => `${open.api.url.replace(/^http/, 'ws')}/v1/events`;

  it('refuses the upgrade from a rebinding page, whose Origin matches its Host', async () => {
    const attacker = `attacker.example:${port}`;
    await expect(
      EventClient.connect(eventsUrl(), { host: attacker, origin: `http://${attacker}` }),
    ).rejects.toThrow('HTTP 421');
  });

  it('opens for 127.0.0.1, localhost, [::1] and a configured host', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `breakwater.internal:${port}`,
    ]) {
      const client = await EventClient.connect(eventsUrl(), { host, origin: `http://${host}` });
      expect(client.messages[0]?.type).toBe('ready');
      client.close();
    }
  });
});

describe('with a token', () => {
  let guarded: ApiHarness;
  beforeAll(async () => {
    guarded = await new ApiHarness({ token: 'rebinding-test-token' }).start();
  });
  afterAll(() => guarded.stop());

  it('still refuses a foreign Host by default, before looking at credentials', async () => {
    const response = await rawRequest(`${guarded.api.url}/v1/providers`, {
      headers: { host: 'attacker.example', authorization: 'Bearer rebinding-test-token' },
    });
    expect(response.status).toBe(421);
    const served = await rawRequest(`${guarded.api.url}/v1/providers`, {
      headers: { host: 'localhost', authorization: 'Bearer rebinding-test-token' },
    });
    expect(served.status).toBe(200);
  });
});
