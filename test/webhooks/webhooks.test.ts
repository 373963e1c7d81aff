import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BreakwaterClient } from '../../src/client/index.js';
import type { JobView } from '../../src/contract/job.js';
import type { WebhookEvent } from '../../src/contract/webhook-event.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { enqueueDelivery, openWebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { ApiHarness } from '../support/api-harness.js';
import { webhookWorld } from '../support/webhook-world.js';
import { redisUrl } from '../support/worker-harness.js';

const { secret, start, receiver, deliveries, track } = webhookWorld();

describe('webhooks', () => {
  it('each attempt is on the timeline; metrics and stats count deliveries; redeliver sends it again', async () => {
    const harness = await start();
    const hooks = await receiver();
    hooks.mode = 'error';
    const { body } = await harness.request<{ id: string }>('POST', '/v1/jobs', {
      prompt: 'ok',
      webhook: { url: hooks.url },
    });
    await expect.poll(() => hooks.received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    hooks.mode = 'ok';
    await expect.poll(() => hooks.acknowledgedById().size, { timeout: 10_000 }).toBe(1);
    const view = async () => (await harness.request<JobView>('GET', `/v1/jobs/${body.id}`)).body;
    await expect
      .poll(async () => (await view()).timeline.filter((entry) => entry.event === 'webhook').at(-1)?.outcome)
      .toBe('delivered');
    const attempts = (await view()).timeline.flatMap((entry) => (entry.event === 'webhook' ? [entry] : []));
    expect(attempts.length).toBe(hooks.received.length);
    expect(attempts.map((entry) => entry.attempt)).toEqual(attempts.map((_, index) => index + 1));
    expect(attempts.slice(0, -1).every((entry) => entry.outcome === 'retry' && entry.status === 500)).toBe(
      true,
    );
    expect((await view()).state).toBe('completed');

    const client = new BreakwaterClient({ url: harness.api.url });
    expect(await client.redeliver(body.id)).toEqual({ id: body.id, type: 'job.completed', queued: true });
    await expect.poll(() => hooks.acknowledgedById().get(hooks.received[0]?.id ?? '')).toBe(2);

    await expect
      .poll(
        async () =>
          (await harness.request<{ webhooks: Record<string, number> }>('GET', '/v1/stats')).body.webhooks,
        {
          timeout: 5_000,
        },
      )
      .toEqual({ retry: attempts.length - 1, delivered: 2 });
    const metrics = await fetch(`${harness.api.url}/metrics`).then((response) => response.text());
    expect(metrics).toContain('breakwater_webhook_deliveries_total{outcome="delivered"} 2');

    // Bull Board shows the delivery queue, each attempt in the delivery's log.
    const board = await harness.request<{ queues: { name: string; jobs: { logs?: unknown }[] }[] }>(
      'GET',
      '/admin/queues/api/queues?activeQueue=webhooks&status=completed&page=1',
    );
    const shown = board.body.queues.find((entry) => entry.name === 'webhooks');
    expect(shown?.jobs.length).toBeGreaterThanOrEqual(1);
    const logs = async () =>
      (await harness.request<string[]>('GET', `/admin/queues/api/queues/webhooks/${body.id}-completed/logs`))
        .body;
    await expect.poll(async () => (await logs()).length).toBe(attempts.length);
    expect((await logs()).at(-1)).toMatch(/^webhook job\.completed attempt \d+ delivered \(HTTP 200\)/);

    const running = await harness.request('POST', '/v1/jobs/999999/redeliver');
    expect(running.status).toBe(404);
    const plain = await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt: 'ok' });
    await expect
      .poll(async () => (await harness.request<JobView>('GET', `/v1/jobs/${plain.body.id}`)).body.state)
      .toBe('completed');
    const none = await harness.request<{ error: { message: string } }>(
      'POST',
      `/v1/jobs/${plain.body.id}/redeliver`,
    );
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain('no webhook');
  });

  it('a job failed by the stalled check (its workers kept dying) reports job.failed', async () => {
    const harness = await new ApiHarness({
      webhookSecret: secret,
      config: (base) => ({ ...base, webhooks: { allowPrivateNetworks: true } }),
    }).start();
    track(harness);
    const hooks = await receiver();
    const job = await harness.add({ prompt: 'ok', webhook: { url: hooks.url } });
    // A worker takes the job and dies; BullMQ's stalled check fails it outside any run.
    const dying = new Worker(bullQueueNameOf(harness.queueName), null, {
      connection: connectionOptions(redisUrl),
    });
    const taken = await dying.getNextJob('dying-token');
    expect(taken?.id).toBe(job.id);
    await taken?.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'dying-token');
    await dying.close();
    await harness.startWorker();
    harness.breakwater.worker.emit('stalled', String(job.id), 'active');
    await expect.poll(() => hooks.received.length).toBe(1);
    expect(JSON.parse(hooks.received[0]?.body ?? '{}')).toMatchObject({
      type: 'job.failed',
      data: { id: job.id, state: 'failed', error: 'job stalled more than allowable limit' },
    });

    // Reported again (another worker saw it stall, or a worker died after reporting): one delivery.
    const queue = openWebhookQueue(harness.queue.qualifiedName, connectionOptions(redisUrl));
    await enqueueDelivery(queue, harness.config, {
      jobId: String(job.id),
      type: 'job.failed',
      url: hooks.url,
      at: Date.now(),
    });
    expect(await queue.getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed')).toBe(1);
    await queue.close();

    // The signing secret is nowhere in Redis, nor in what the receiver got.
    const key = secret.slice('whsec_'.length);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${harness.queue.qualifiedName}*`);
    const dump = await Promise.all(keys.map((name) => redis.dumpBuffer(name)));
    redis.disconnect();
    expect(keys.length).toBeGreaterThan(0);
    expect(dump.some((value) => value?.toString('latin1').includes(key))).toBe(false);
    expect(JSON.stringify(hooks.received)).not.toContain(key);
  });

  it("the config's webhooks.url serves every job that names none; a job's own URL wins", async () => {
    const fallback = await receiver();
    const own = await receiver();
    const harness = await start({ url: fallback.url });
    const plain = await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt: 'ok' });
    const named = await harness.request<{ id: string }>('POST', '/v1/jobs', {
      prompt: 'ok',
      webhook: { url: own.url },
    });
    await expect.poll(() => fallback.received.length + own.received.length).toBe(2);
    expect((JSON.parse(fallback.received[0]?.body ?? '{}') as WebhookEvent).data.id).toBe(plain.body.id);
    expect((JSON.parse(own.received[0]?.body ?? '{}') as WebhookEvent).data.id).toBe(named.body.id);
  });

  it('a receiver that never answers is cut off after webhooks.timeoutMs and retried', async () => {
    const harness = await start({ timeoutMs: 300, retryForMs: 1_000 });
    const hooks = await receiver();
    hooks.mode = 'hang';
    const { body } = await harness.request<{ id: string }>('POST', '/v1/jobs', {
      prompt: 'ok',
      webhook: { url: hooks.url },
    });
    const attempts = async () =>
      (await harness.request<JobView>('GET', `/v1/jobs/${body.id}`)).body.timeline.flatMap((entry) =>
        entry.event === 'webhook' ? [entry] : [],
      );
    await expect.poll(async () => (await attempts()).at(-1)?.outcome, { timeout: 10_000 }).toBe('give-up');
    const seen = await attempts();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((entry) => entry.status === undefined)).toBe(true);
    expect(seen[0]?.error).toBe('timed out after 300 ms');
    expect(seen.at(-1)?.error).toMatch(/^no answer: timed out after 300 ms; gave up after \d+ attempts$/);
    expect(hooks.received.length).toBe(seen.length);
  });

  it('a failed job reports job.failed; a 410 stops; retries stop after retryForMs and the delivery stays failed', async () => {
    const harness = await start({ retryForMs: 1_500 });
    const hooks = await receiver();
    harness.simulator.configure('tertiary', { rejectPattern: 'reject' });
    const failed = await harness.request<{ id: string }>('POST', '/v1/jobs', {
      prompt: 'reject',
      route: 'solo',
      webhook: { url: hooks.url },
    });
    hooks.mode = 'gone';
    await expect.poll(() => hooks.received.length).toBe(1);
    const event = JSON.parse(hooks.received[0]?.body ?? '{}') as WebhookEvent;
    expect(event.type).toBe('job.failed');
    expect(event.data).toMatchObject({ id: failed.body.id, state: 'failed' });

    hooks.mode = 'error';
    const completed = await harness.request<{ id: string }>('POST', '/v1/jobs', {
      prompt: 'ok',
      webhook: { url: hooks.url },
    });
    await expect.poll(async () => (await deliveries(harness)).failed, { timeout: 10_000 }).toBe(2);
    expect(hooks.received.filter((delivery) => delivery.id === hooks.received[0]?.id)).toHaveLength(1);
    const view = (await harness.request<JobView>('GET', `/v1/jobs/${completed.body.id}`)).body;
    expect(view.state).toBe('completed');
    const attempts = view.timeline.flatMap((entry) => (entry.event === 'webhook' ? [entry] : []));
    expect(attempts.at(-1)?.outcome).toBe('give-up');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
  });
});
