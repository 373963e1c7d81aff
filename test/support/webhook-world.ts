import { afterEach } from 'vitest';
import { connectionOptions } from '../../src/redis/connection.js';
import { openWebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { ApiHarness } from './api-harness.js';
import { testWebhookSecret, WebhookReceiver } from './webhook-receiver.js';
import { redisUrl } from './worker-harness.js';

/**
 * A real API with a real worker and real receivers, all stopped after each test. Webhooks may reach
 * loopback (the receivers live there) and retry fast. Call once per test file, at its top level.
 */
export function webhookWorld() {
  const secret = testWebhookSecret();
  const harnesses: ApiHarness[] = [];
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.stop();
    for (const receiver of receivers.splice(0)) await receiver.stop();
  });
  return {
    secret,
    /** Stops this harness after the test too. */
    track(harness: ApiHarness): ApiHarness {
      harnesses.push(harness);
      return harness;
    },
    async start(webhooks: Record<string, unknown> = {}, concurrency = 10): Promise<ApiHarness> {
      const harness = await new ApiHarness({
        worker: true,
        webhookSecret: secret,
        config: (base) => ({
          ...base,
          queue: { ...(base.queue as object), concurrency },
          webhooks: { allowPrivateNetworks: true, backoffMs: 100, maxBackoffMs: 500, ...webhooks },
        }),
      }).start();
      harnesses.push(harness);
      return harness;
    },
    async receiver(): Promise<WebhookReceiver> {
      const started = await new WebhookReceiver(secret).start();
      receivers.push(started);
      return started;
    },
    /** The delivery queue's job counts. */
    async deliveries(harness: ApiHarness) {
      const queue = openWebhookQueue(harness.queue.qualifiedName, connectionOptions(redisUrl));
      try {
        return await queue.getJobCounts('completed', 'failed', 'delayed', 'waiting', 'active');
      } finally {
        await queue.close();
      }
    },
  };
}
