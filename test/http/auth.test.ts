import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

const token = 'tok-7f3a9c1e5b';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('auth with BREAKWATER_API_TOKEN set', () => {
  it('/v1/* needs the bearer token: missing or wrong is 401 with a challenge, right is served', async () => {
    harness = await new ApiHarness({ token }).start();
    const missing = await harness.request<{ error: { code: string } }>('POST', '/v1/jobs', { prompt: 'a' });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await harness.request('GET', '/v1/providers', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const trailing = await harness.request('GET', '/v1/providers', undefined, {
      authorization: `Bearer ${token} junk`,
    });
    expect(trailing.status).toBe(401);
    const basicOnApi = await harness.request('GET', '/v1/providers', undefined, {
      authorization: basic('x', token),
    });
    expect(basicOnApi.status).toBe(401);
    expect(await harness.queue.count()).toBe(0);

    const auth = { authorization: `Bearer ${token}` };
    const created = await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt: 'a' }, auth);
    expect(created.status).toBe(202);
    expect((await harness.request('GET', `/v1/jobs/${created.body.id}`, undefined, auth)).status).toBe(200);
    expect((await harness.request('GET', '/v1/providers', undefined, auth)).status).toBe(200);
  });

  it('the token never appears in a response', async () => {
    harness = await new ApiHarness({ token }).start();
    const wrong = await harness.request('GET', '/v1/providers', undefined, {
      authorization: `Bearer ${token}x`,
    });
    expect(JSON.stringify(wrong.body)).not.toContain(token);
  });

  it('/admin/* takes the bearer token or basic auth with the token as password, and challenges with Basic', async () => {
    harness = await new ApiHarness({ token }).start();
    const anonymous = await harness.request('GET', '/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Breakwater"');
    expect(
      (await harness.request('GET', '/admin/queues', undefined, { authorization: basic('ops', 'guess') }))
        .status,
    ).toBe(401);
    const browser = await harness.request('GET', '/admin/queues', undefined, {
      authorization: basic('ops', token),
    });
    expect(browser.status).toBe(200);
    const api = await harness.request('GET', '/admin/queues/api/queues', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(api.status).toBe(200);
  });

  it('/healthz, /readyz, /openapi.json and /docs stay open', async () => {
    harness = await new ApiHarness({ token }).start();
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs']) {
      expect((await harness.request('GET', path)).status, path).toBe(200);
    }
  });
});

describe('auth with no token set', () => {
  it('serves /v1/* and /admin/* without credentials', async () => {
    harness = await new ApiHarness().start();
    expect((await harness.request('POST', '/v1/jobs', { prompt: 'a' })).status).toBe(202);
    expect((await harness.request('GET', '/v1/providers')).status).toBe(200);
    expect((await harness.request('GET', '/admin/queues')).status).toBe(200);
  });
});
