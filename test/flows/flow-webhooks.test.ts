import { afterEach, describe, expect, it } from 'vitest';
import type { AcceptedFlow } from '../../src/contract/index.js';
import { ApiHarness } from '../support/api-harness.js';
import { testWebhookSecret, WebhookReceiver } from '../support/webhook-receiver.js';

const secret = testWebhookSecret();
let harness: ApiHarness | undefined;
let hooks: WebhookReceiver | undefined;
afterEach(async () => {
  await harness?.stop();
  await hooks?.stop();
  harness = undefined;
  hooks = undefined;
});

describe('a flow and webhooks', () => {
  it("the root's webhook is sent when the flow ends", async () => {
    harness = await new ApiHarness({
      worker: true,
      webhookSecret: secret,
      config: (base) => ({ ...base, webhooks: { allowPrivateNetworks: true, backoffMs: 100 } }),
    }).start();
    hooks = await new WebhookReceiver(secret).start();
    const { id } = (
      await harness.request<AcceptedFlow>('POST', '/v1/flows', {
        root: {
          id: 'final',
          prompt: 'Combine {{steps.a.text}}',
          webhook: { url: hooks.url },
          children: [{ id: 'a', prompt: 'part a' }],
        },
      })
    ).body;
    await expect.poll(() => hooks?.received.length, { timeout: 15_000 }).toBe(1);
    expect(hooks.received[0]).toMatchObject({ verified: true });
    expect(hooks.received[0]?.body).toContain(id);
    expect(hooks.received[0]?.body).toContain('job.completed');

    // A child that fails for good fails the root without it ever running: its webhook says so.
    harness.simulator.configure('secondary', { rejectPattern: 'forbidden' });
    const failing = (
      await harness.request<AcceptedFlow>('POST', '/v1/flows', {
        root: {
          id: 'final',
          prompt: 'Combine {{steps.a.text}}',
          webhook: { url: hooks.url },
          children: [
            {
              id: 'a',
              prompt: 'a forbidden part',
              chain: [{ provider: 'secondary', model: 'claude-haiku-4-5' }],
            },
          ],
        },
      })
    ).body;
    await expect.poll(() => hooks?.received.length, { timeout: 15_000 }).toBe(2);
    expect(hooks.received[1]?.body).toContain(failing.id);
    expect(hooks.received[1]?.body).toContain('job.failed');
  });

  it("a step's webhook gets the same checks as a job's: refused by its path, nothing enqueued", async () => {
    // No webhook secret on this API, and private networks refused (the defaults).
    harness = await new ApiHarness().start();
    const refused = await harness.request<{ error: { fields: { path: string; message: string }[] } }>(
      'POST',
      '/v1/flows',
      {
        root: {
          id: 'final',
          prompt: 'x',
          children: [{ id: 'a', prompt: 'y', webhook: { url: 'https://hooks.example.com/done' } }],
        },
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([
      { path: 'root.children.0.webhook.url', message: expect.stringContaining('BREAKWATER_WEBHOOK_SECRET') },
    ]);
    expect(await harness.queue.count()).toBe(0);
  });
});
