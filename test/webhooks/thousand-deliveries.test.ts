import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/contract/webhook-event.js';
import { testWebhookSecret } from '../support/webhook-receiver.js';
import { webhookWorld } from '../support/webhook-world.js';

const { start, receiver, deliveries } = webhookWorld();

describe('webhooks at volume', () => {
  it('1,000 jobs: 1,000 deliveries, each verified by standardwebhooks; a tampered body fails', async () => {
    const harness = await start({}, 50);
    const hooks = await receiver();
    const jobs = Array.from({ length: 1_000 }, (_, index) => ({
      prompt: `ok ${index}`,
      webhook: { url: hooks.url },
    }));
    const accepted = await harness.request<{ jobs: { id: string }[] }>('POST', '/v1/jobs/bulk', { jobs });
    expect(accepted.status).toBe(202);
    await expect
      .poll(() => hooks.received.length, { timeout: 60_000, interval: 250 })
      .toBeGreaterThanOrEqual(1_000);
    expect(hooks.received).toHaveLength(1_000);
    expect(hooks.received.every((delivery) => delivery.verified)).toBe(true);
    const ids = new Set(accepted.body.jobs.map((job) => job.id));
    const events = hooks.received.map((delivery) => JSON.parse(delivery.body) as WebhookEvent);
    expect(new Set(events.map((event) => event.data.id))).toEqual(ids);
    expect(events.every((event) => event.type === 'job.completed' && event.data.state === 'completed')).toBe(
      true,
    );
    expect(new Set(hooks.received.map((delivery) => delivery.id)).size).toBe(1_000);

    const sample = hooks.received[0];
    if (!sample) throw new Error('no delivery');
    expect(() => hooks.verify(sample.body, sample.headers)).not.toThrow();
    const tampered = sample.body.replace('"completed"', '"failed"');
    expect(tampered).not.toBe(sample.body);
    expect(() => hooks.verify(tampered, sample.headers)).toThrow();
    expect(() => new Webhook(testWebhookSecret()).verify(sample.body, sample.headers)).toThrow();
    await expect.poll(async () => (await deliveries(harness)).completed).toBe(1_000);
  }, 90_000);
});
