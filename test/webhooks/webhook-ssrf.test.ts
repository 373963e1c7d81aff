import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';
import { testWebhookSecret } from '../support/webhook-receiver.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
});

async function api(options: { allowPrivateNetworks?: boolean; secret?: boolean } = {}) {
  const harness = await new ApiHarness({
    ...(options.secret === false ? {} : { webhookSecret: testWebhookSecret() }),
    config: (base) => ({
      ...base,
      webhooks: { allowPrivateNetworks: options.allowPrivateNetworks ?? false },
    }),
  }).start();
  harnesses.push(harness);
  return harness;
}

type Problem = { error: { fields?: { path: string; message: string }[] } };

describe('webhook URLs (SSRF)', () => {
  it.each([
    ['loopback', 'http://127.0.0.1/hook'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', 'https://10.1.2.3/hook'],
    ['IPv6 loopback', 'http://[::1]:8080/hook'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['a name that resolves to loopback', 'http://localhost:9/hook'],
  ])('%s is refused with a 400 naming webhook.url', async (_what, url) => {
    const harness = await api();
    const response = await harness.request<Problem>('POST', '/v1/jobs', { prompt: 'hi', webhook: { url } });
    expect(response.status).toBe(400);
    expect(response.body.error.fields?.[0]?.path).toBe('webhook.url');
    expect(response.body.error.fields?.[0]?.message).toMatch(/private|loopback/);
  });

  it('refuses other schemes, names the bulk job, and admits private addresses only when allowed', async () => {
    const strict = await api();
    const ftp = await strict.request<Problem>('POST', '/v1/jobs', {
      prompt: 'hi',
      webhook: { url: 'ftp://example.com/hook' },
    });
    expect(ftp.status).toBe(400);
    expect(ftp.body.error.fields?.[0]?.path).toBe('webhook.url');
    const bulk = await strict.request<Problem>('POST', '/v1/jobs/bulk', {
      jobs: [{ prompt: 'fine' }, { prompt: 'hi', webhook: { url: 'http://192.168.1.1/hook' } }],
    });
    expect(bulk.status).toBe(400);
    expect(bulk.body.error.fields).toEqual([{ path: 'jobs.1.webhook.url', message: expect.any(String) }]);
    expect(await strict.queue.count()).toBe(0);

    const open = await api({ allowPrivateNetworks: true });
    for (const url of ['http://127.0.0.1/hook', 'http://169.254.169.254/x', 'http://localhost:9/hook']) {
      const accepted = await open.request('POST', '/v1/jobs', { prompt: 'hi', webhook: { url } });
      expect(accepted.status).toBe(202);
    }
  });

  it('a webhook without BREAKWATER_WEBHOOK_SECRET is a 400 naming it', async () => {
    const harness = await api({ secret: false, allowPrivateNetworks: true });
    const response = await harness.request<Problem>('POST', '/v1/jobs', {
      prompt: 'hi',
      webhook: { url: 'http://127.0.0.1/hook' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields?.[0]).toMatchObject({
      path: 'webhook.url',
      message: expect.stringContaining('BREAKWATER_WEBHOOK_SECRET'),
    });
  });
});
