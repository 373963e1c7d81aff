import { afterEach, describe, expect, it } from 'vitest';
import { BreakwaterClient } from '../../src/client/index.js';
import { idempotentJobId } from '../../src/queue/job-options.js';
import { JobQueues } from '../../src/queue/job-queues.js';
import { enqueueJob } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { homeShard } from '../../src/queue/shards.js';
import { connectionOptions } from '../../src/redis/connection.js';
import type { JobResult } from '../../src/worker/job-result.js';
import { ApiHarness } from '../support/api-harness.js';
import { redisUrl, withResetTimeout } from '../support/worker-harness.js';

/**
 * `queue.shards: 3` on one Redis: the jobs spread over three BullMQ queues, and the API, the
 * workers, idempotency, stats and Bull Board still see one queue. (The same on a real cluster:
 * test/cluster/core-path.test.ts.)
 */
const harnesses: ApiHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
});

function sharded(
  shards: number,
  then: (base: Record<string, unknown>) => Record<string, unknown> = (b) => b,
) {
  return (base: Record<string, unknown>) => {
    const document = then(base);
    return { ...document, queue: { ...(document.queue as object), shards } };
  };
}

async function api(options: ConstructorParameters<typeof ApiHarness>[0]): Promise<ApiHarness> {
  const harness = new ApiHarness(options);
  harnesses.push(harness);
  return harness.start();
}

interface Accepted {
  id: string;
  state: string;
}

describe('queue.shards', () => {
  it('spreads jobs evenly over the shards; every job is found, run and counted as one queue', async () => {
    const h = await api({ worker: false, config: sharded(3) });
    const bulk = await h.request<{ jobs: Accepted[] }>('POST', '/v1/jobs/bulk', {
      jobs: Array.from({ length: 30 }, (_, i) => ({ prompt: `bulk ${i}` })),
    });
    expect(bulk.status).toBe(202);
    const single = await h.request<Accepted>('POST', '/v1/jobs', { prompt: 'single' });
    const ids = [...bulk.body.jobs.map((job) => job.id), single.body.id];
    expect(new Set(ids).size).toBe(31);
    for (const id of ids) expect(id).toMatch(/^s[0-2]-[0-9a-f]{32}$/);
    // In turn: 30 jobs are 10 per shard, and the 31st is the first shard's 11th.
    expect(await Promise.all(h.queues.shards.map((shard) => shard.getWaitingCount()))).toEqual([11, 10, 10]);
    // Each job sits on the shard its id names.
    for (const id of ids) {
      expect(await h.queues.shards[homeShard(id, 3)]?.getJobState(id)).toBe('waiting');
    }
    const view = await h.request<{ state: string; prompt?: string }>('GET', `/v1/jobs/${ids[17]}`);
    expect(view.body.state).toBe('waiting');

    // Every shard's job events reach the one event stream.
    const client = new BreakwaterClient({ url: h.api.url });
    const ended = new Set<string>();
    const subscription = await client.events((event) => {
      if (event.type === 'job' && event.event === 'completed') ended.add(event.jobId);
    });
    const runtime = await h.startWorker();
    expect(runtime.breakwater.workers).toHaveLength(3);
    // queue.concurrency (10) is shared out: 4 a shard.
    expect(runtime.breakwater.workers.map((worker) => worker.concurrency)).toEqual([4, 4, 4]);
    await expect
      .poll(async () => (await h.states(ids)).filter((state) => state === 'completed').length, {
        timeout: 20_000,
      })
      .toBe(31);
    await expect.poll(() => ended.size, { timeout: 10_000 }).toBe(31);
    subscription.close();
    const done = await h.request<{ state: string; result: { text: string } }>('GET', `/v1/jobs/${ids[29]}`);
    expect(done.body.state).toBe('completed');
    expect(done.body.result.text.length).toBeGreaterThan(0);
    const stats = await h.request<{ jobs: Record<string, number> }>('GET', '/v1/stats');
    expect(stats.body.jobs.completed).toBe(31);
    expect(h.simulator.stats('primary').calls).toBe(31);
  });

  it('idempotency, cancel, a flow and Bull Board across the shards', async () => {
    const h = await api({ worker: false, config: sharded(3) });
    const first = await h.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'once',
      idempotencyKey: 'order-9',
    });
    const again = await h.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'once',
      idempotencyKey: 'order-9',
    });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    // Ten other API requests in between move the cursor; the key still finds the same job.
    for (let i = 0; i < 10; i++) await h.request('POST', '/v1/jobs', { prompt: `filler ${i}` });
    const conflict = await h.request<{ error: { details: { path: string }[] } }>('POST', '/v1/jobs/bulk', {
      jobs: [{ prompt: 'new' }, { prompt: 'changed', idempotencyKey: 'order-9' }],
    });
    expect(conflict.status).toBe(409);
    expect(await h.queues.getJobCounts('waiting')).toEqual({ waiting: 11 });
    expect(await h.queues.shards[homeShard(first.body.id, 3)]?.getJobState(first.body.id)).toBe('waiting');

    const delayed = await h.request<Accepted>('POST', '/v1/jobs', { prompt: 'later', delayMs: 60_000 });
    expect(delayed.body.state).toBe('delayed');
    const cancel = await h.request('DELETE', `/v1/jobs/${delayed.body.id}`);
    expect(cancel.status).toBe(200);
    expect((await h.request('GET', `/v1/jobs/${delayed.body.id}`)).status).toBe(404);
    expect((await h.request('DELETE', `/v1/jobs/s1-${'0'.repeat(32)}`)).status).toBe(404);

    const flow = await h.request<{ id: string; jobs: Record<string, string> }>('POST', '/v1/flows', {
      root: { id: 'final', prompt: 'Join {{steps.a.text}}', children: [{ id: 'a', prompt: 'part a' }] },
    });
    expect(flow.status).toBe(202);
    // A flow is one BullMQ flow: every step on its flow's shard.
    const shard = h.queues.shards[homeShard(flow.body.id, 3)];
    for (const jobId of Object.values(flow.body.jobs)) expect(await shard?.getJob(jobId)).toBeDefined();
    await h.startWorker();
    await expect
      .poll(async () => (await h.request<{ state: string }>('GET', `/v1/flows/${flow.body.id}`)).body.state, {
        timeout: 20_000,
      })
      .toBe('completed');

    const board = await h.request<{ queues: { name: string; displayName?: string }[] }>(
      'GET',
      '/admin/queues/api/queues?activeQueue=&status=latest&page=1',
    );
    expect(board.body.queues.map((queue) => queue.displayName ?? queue.name).sort()).toEqual(
      [
        `${h.queueName} 1/3`,
        `${h.queueName} 2/3`,
        `${h.queueName} 3/3`,
        `${h.queueName}-batches`,
        'webhooks',
      ].sort(),
    );
  });

  it('a total outage defers the jobs of every shard, spends no attempt, and they all run after it', async () => {
    const h = await api({ worker: true, config: sharded(3, withResetTimeout(2_000)) });
    await h.tripEveryProvider();
    const submitted = await h.request<{ jobs: Accepted[] }>('POST', '/v1/jobs/bulk', {
      jobs: Array.from({ length: 12 }, (_, i) => ({ prompt: `outage ${i}` })),
    });
    const ids = submitted.body.jobs.map((job) => job.id);
    expect(new Set(ids.map((id) => homeShard(id, 3))).size).toBe(3);
    await expect
      .poll(
        async () => {
          const views = await Promise.all(
            ids.map((id) => h.request<{ state: string; nextAttemptAt?: string }>('GET', `/v1/jobs/${id}`)),
          );
          return views.every(
            (view) => view.body.state === 'deferred' && view.body.nextAttemptAt !== undefined,
          );
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    h.simulator.configure('primary', { mode: { kind: 'healthy' } });
    h.simulator.configure('secondary', { mode: { kind: 'healthy' } });
    await expect
      .poll(async () => (await h.states(ids)).every((state) => state === 'completed'), { timeout: 30_000 })
      .toBe(true);
    // Deferred or held in the paused queue, never failed: one attempt each, the one that succeeded.
    for (const id of ids) expect((await h.job(id)).attemptsMade).toBe(1);
    expect(await h.queues.getJobCounts('failed')).toEqual({ failed: 0 });
  });

  it('after queue.shards changes, a job is still found, and an idempotent job is not added twice', async () => {
    const h = await api({ worker: false, config: sharded(3) });
    const key = Array.from({ length: 100 }, (_, i) => `reshard-${i}`).find(
      (candidate) => homeShard(idempotentJobId(candidate), 3) !== homeShard(idempotentJobId(candidate), 5),
    ) as string;
    const before = await h.request<Accepted>('POST', '/v1/jobs', { prompt: 'kept', idempotencyKey: key });
    const plain = await h.request<Accepted>('POST', '/v1/jobs', { prompt: 'plain' });
    // The same queue read with five shards: two new BullMQ queues, and other homes for some ids.
    const wider = JobQueues.open<JobResult>(h.queueName, 5, connectionOptions(redisUrl));
    try {
      const again = await enqueueJob(wider, h.config, { prompt: 'kept', idempotencyKey: key });
      expect(String(again.id)).toBe(before.body.id);
      expect(await wider.getJobCounts('waiting')).toEqual({ waiting: 2 });
      expect((await wider.getJob(plain.body.id))?.data.prompt).toBe('plain');
      expect(await wider.getJob(`s4-${'0'.repeat(32)}`)).toBeUndefined();
    } finally {
      for (const shard of wider.shards.slice(3)) await removeQueue(shard);
      await wider.close();
    }
  });
});
