import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/contract/webhook-event.js';
import { ApiHarness } from '../support/api-harness.js';
import { testWebhookSecret, WebhookReceiver } from '../support/webhook-receiver.js';

const secret = testWebhookSecret();
const jobCount = 300;

const harness = new ApiHarness({
  worker: true,
  webhookSecret: secret,
  config: (base) => ({
    ...base,
    queue: { ...(base.queue as object), concurrency: 50 },
    // A lost answer times out after 6 s: room for a sender that a busy machine keeps waiting on the CPU.
    webhooks: { allowPrivateNetworks: true, backoffMs: 200, maxBackoffMs: 1_000, timeoutMs: 6_000 },
  }),
});
const hooks = new WebhookReceiver(secret);

afterAll(async () => {
  await harness.stop();
  await hooks.stop();
});

describe('a webhook receiver down for 10 s', () => {
  it('gets every event once it returns, acknowledged exactly once per job; jobs are unaffected', async () => {
    await harness.start();
    await hooks.start();
    const url = hooks.url;
    // Down: connections refused for 5 s, then 500s for 5 s.
    await hooks.stop();
    const jobs = Array.from({ length: jobCount }, (_, index) => ({
      prompt: `ok ${index}`,
      webhook: { url },
    }));
    const accepted = await harness.request<{ jobs: { id: string }[] }>('POST', '/v1/jobs/bulk', { jobs });
    expect(accepted.status).toBe(202);
    const ids = accepted.body.jobs.map((job) => job.id);
    // The jobs themselves complete while the receiver is down.
    await expect
      .poll(async () => (await harness.states(ids)).every((state) => state === 'completed'), {
        timeout: 20_000,
      })
      .toBe(true);
    await delay(5_000);
    hooks.mode = 'error';
    await hooks.start();
    await delay(5_000);
    // Back, but the first answers are lost (the receiver processes, the sender never hears back).
    hooks.mode = 'lose-answer';
    await delay(500);
    hooks.mode = 'ok';

    await expect.poll(() => hooks.acknowledgedById().size, { timeout: 30_000, interval: 250 }).toBe(jobCount);
    // Nothing more in flight: every delivery finished.
    await delay(1_500);
    const acknowledged = hooks.acknowledgedById();
    expect([...acknowledged.values()].every((count) => count === 1)).toBe(true);
    expect(hooks.received.every((delivery) => delivery.verified)).toBe(true);

    const events = new Map<string, string>();
    for (const delivery of hooks.received) {
      events.set(delivery.id, (JSON.parse(delivery.body) as WebhookEvent).data.id);
    }
    expect(new Set(events.values())).toEqual(new Set(ids));

    // Duplicates are exactly the deliveries whose answer was lost, and they share the webhook-id.
    const processed = hooks.received.filter(
      (delivery) => delivery.mode === 'ok' || delivery.mode === 'lose-answer',
    );
    const lost = hooks.received.filter((delivery) => delivery.mode === 'lose-answer').length;
    const duplicates = processed.length - acknowledged.size;
    console.info(
      `receiver outage: ${jobCount} jobs, ${hooks.received.length} requests received, ` +
        `${hooks.received.filter((delivery) => delivery.mode === 'error').length} answered 500, ` +
        `${lost} answers lost, ${duplicates} duplicates`,
    );
    expect(duplicates).toBe(lost);
    expect(await harness.states(ids)).toEqual(ids.map(() => 'completed'));
  }, 90_000);
});
