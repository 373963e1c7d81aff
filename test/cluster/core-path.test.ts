import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { readProgress } from '../../src/queue/deferral.js';
import { homeShard } from '../../src/queue/shards.js';
import { createRedisClient, untilReady } from '../../src/redis/redis-client.js';
import { ApiHarness } from '../support/api-harness.js';
import { FleetHarness } from '../support/fleet-harness.js';
import { LocalRedisCluster } from '../support/redis-cluster.js';
import { withResetTimeout } from '../support/worker-harness.js';

/**
 * The single-node assertions, on a real 6-node Redis Cluster (3 masters, 3 replicas): the API and
 * the worker over REDIS_CLUSTER_NODES, every key of a queue on one slot.
 */
const cluster = new LocalRedisCluster();
let address = '';
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  await cluster.start();
  address = `redis+cluster://${cluster.seeds}`;
}, 90_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  // No script or transaction ever crossed slots: Redis counts every CROSSSLOT refusal.
  for (const node of cluster.nodes) {
    const client = new Redis(node.port, '127.0.0.1');
    try {
      expect(await client.info('errorstats')).not.toMatch(/CROSSSLOT/);
    } finally {
      client.disconnect();
    }
  }
  await cluster.stop();
});

function withLimits(base: Record<string, unknown>): Record<string, unknown> {
  const providers = base.providers as Record<string, Record<string, unknown>>;
  return {
    ...base,
    providers: Object.fromEntries(
      Object.entries(providers).map(([name, provider]) => [
        name,
        { ...provider, limits: { rpm: 100_000, tpm: 1e9 } },
      ]),
    ),
  };
}

interface Accepted {
  id: string;
}

/** Every queue here is spread over three shards, each its own hash tag (so, often, its own master). */
const shards = 3;

function sharded(config?: (base: Record<string, unknown>) => Record<string, unknown>) {
  return (base: Record<string, unknown>) => {
    const document = config ? config(base) : base;
    return { ...document, queue: { ...(document.queue as object), shards } };
  };
}

async function api(options: ConstructorParameters<typeof ApiHarness>[0] = {}): Promise<ApiHarness> {
  const harness = await new ApiHarness({
    url: address,
    worker: true,
    ...options,
    config: sharded(options.config),
  }).start();
  cleanups.push(() => harness.stop());
  return harness;
}

describe('on a Redis Cluster', () => {
  it('the test cluster: 3 masters with a replica each, every slot served', async () => {
    expect(cluster.nodes).toHaveLength(6);
    expect(await cluster.masters()).toHaveLength(3);
    const client = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
    try {
      // Keys of different slots land on different masters; the client follows the slot map.
      const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
      for (const key of keys) await client.set(key, key);
      expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys);
      expect((await client.cluster('SLOTS')).length).toBeGreaterThanOrEqual(3);
    } finally {
      client.disconnect();
    }
  });

  it('submit over HTTP, fallback, idempotency, limits, stats and the Bull Board listing', async () => {
    // Limits that never bind, so the admission scripts run on the cluster too.
    const h = await api({ config: withLimits });
    h.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await h.request<Accepted>('POST', '/v1/jobs', { prompt: `job ${i}` });
      expect(response.status).toBe(202);
      ids.push(response.body.id);
    }
    const first = await h.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'once',
      idempotencyKey: 'order-17',
    });
    const again = await h.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'once',
      idempotencyKey: 'order-17',
    });
    expect(again.body.id).toBe(first.body.id);
    const conflict = await h.request('POST', '/v1/jobs', { prompt: 'other', idempotencyKey: 'order-17' });
    expect(conflict.status).toBe(409);
    ids.push(first.body.id);

    await expect
      .poll(async () => (await h.states(ids)).every((state) => state === 'completed'), { timeout: 20_000 })
      .toBe(true);
    const view = await h.request<{ state: string; result: { provider: string } }>(
      'GET',
      `/v1/jobs/${ids[0]}`,
    );
    expect(view.body.state).toBe('completed');
    // The primary is down: its breaker opened and the secondary served the jobs.
    expect(view.body.result.provider).toBe('secondary');
    expect(await h.queues.getJobCounts('completed')).toEqual({ completed: 9 });
    // The jobs went round the shards.
    expect(new Set(ids.map((id) => homeShard(id, shards))).size).toBe(shards);

    // A 429 blocks the model's bucket (the admission's block script), and the job waits it out.
    h.simulator.configure('tertiary', { mode: { kind: 'rate-limited', retryAfterSeconds: 1 } });
    const solo = await h.request<Accepted>('POST', '/v1/jobs', { prompt: 'solo', route: 'solo' });
    await expect.poll(() => h.simulator.stats('tertiary').calls, { timeout: 10_000 }).toBeGreaterThan(0);
    h.simulator.configure('tertiary', { mode: { kind: 'healthy' } });
    await expect
      .poll(async () => (await h.job(solo.body.id)).getState(), { timeout: 20_000 })
      .toBe('completed');

    await expect
      .poll(
        async () => {
          const stats = await h.request<{ jobs: Record<string, number>; totals: { calls: number } }>(
            'GET',
            '/v1/stats',
          );
          return [stats.body.jobs.completed, stats.body.totals.calls >= 9];
        },
        { timeout: 10_000 },
      )
      .toEqual([10, true]);
    const board = await h.request<{ queues: { name: string; displayName: string }[] }>(
      'GET',
      '/admin/queues/api/queues?activeQueue=&status=latest&page=1',
    );
    // The job queue's shards, its webhook deliveries and its provider batches, each by its own name.
    expect(board.body.queues.map((queue) => queue.displayName ?? queue.name).sort()).toEqual(
      [1, 2, 3]
        .map((shard) => `${h.queueName} ${shard}/3`)
        .concat(`${h.queueName}-batches`, 'webhooks')
        .sort(),
    );
  });

  it('a flow (a parent job waiting on its children) runs on the cluster', async () => {
    const h = await api();
    const submitted = await h.request<{ id: string }>('POST', '/v1/flows', {
      root: {
        id: 'final',
        prompt: 'Combine {{steps.a.text}} and {{steps.b.text}}',
        children: [
          { id: 'a', prompt: 'part a' },
          { id: 'b', prompt: 'part b' },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    await expect
      .poll(
        async () => (await h.request<{ state: string }>('GET', `/v1/flows/${submitted.body.id}`)).body.state,
        {
          timeout: 20_000,
        },
      )
      .toBe('completed');
  });

  it('defers every job during a total outage without spending an attempt, then recovers', async () => {
    const h = await api({ config: withResetTimeout(3_000) });
    await h.tripEveryProvider();
    const calls = h.simulator.stats('primary').calls;
    const submitted = await h.request<{ jobs: Accepted[] }>('POST', '/v1/jobs/bulk', {
      jobs: Array.from({ length: 12 }, (_, i) => ({ prompt: `outage ${i}` })),
    });
    expect(submitted.status).toBe(202);
    const ids = submitted.body.jobs.map((job) => job.id);
    await expect
      .poll(async () => (await h.states(ids)).every((state) => state === 'delayed'), { timeout: 10_000 })
      .toBe(true);
    for (const id of ids) {
      const job = await h.job(id);
      expect(job.attemptsMade).toBe(0);
      expect(readProgress(job.progress).deferrals).toBeGreaterThanOrEqual(1);
      const view = await h.request<{ state: string }>('GET', `/v1/jobs/${id}`);
      expect(view.body.state).toBe('deferred');
    }
    // Deferred jobs made no calls: open breakers are skipped.
    expect(h.simulator.stats('primary').calls).toBe(calls);
    expect(await h.queues.getJobCounts('failed')).toEqual({ failed: 0 });

    h.simulator.configure('primary', { mode: { kind: 'healthy' } });
    h.simulator.configure('secondary', { mode: { kind: 'healthy' } });
    await expect
      .poll(async () => (await h.states(ids)).every((state) => state === 'completed'), { timeout: 30_000 })
      .toBe(true);
    expect(await h.queues.getJobCounts('failed')).toEqual({ failed: 0 });
    for (const id of ids) expect((await h.job(id)).attemptsMade).toBe(1);
  });

  it('the API rate limit holds on the cluster: 429 past the limit', async () => {
    const h = await api({
      worker: false,
      token: 'cluster-test-token-0123456789',
      config: (base) => ({ ...base, api: { rateLimit: { jobs: 3, windowMs: 60_000 } } }),
    });
    const headers = { authorization: 'Bearer cluster-test-token-0123456789' };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await h.request('POST', '/v1/jobs', { prompt: `${i}` }, headers)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(await h.queues.getJobCounts('waiting')).toEqual({ waiting: 3 });
  });

  it('one breaker for the fleet: 3 worker processes on the cluster, the dead primary gets few calls', async () => {
    const fleet = await new FleetHarness({
      redisUrl: address,
      // The worker processes find the cluster as an operator configures it.
      env: { REDIS_CLUSTER_NODES: cluster.seeds },
      resetTimeoutMs: 30_000,
      volumeThreshold: 3,
      queue: { shards },
    }).start();
    cleanups.push(() => fleet.stop());
    await Promise.all([1, 2, 3].map(() => fleet.startWorker()));
    fleet.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    await fleet.add(60, 'fleet');
    await expect.poll(async () => (await fleet.counts()).completed, { timeout: 30_000 }).toBe(60);
    // Each process trips on its own after at most volumeThreshold failures, or hears the fleet's
    // open first: far fewer calls than the 60 jobs.
    expect(fleet.simulator.stats('primary').calls).toBeLessThanOrEqual(3 * 3 + 6);
    // Every process heard the breaker open (its own trip or the fleet's broadcast over pub/sub).
    for (const worker of fleet.workers) {
      expect(fleet.logs(worker).some((line) => line.provider === 'primary' && line.state === 'open')).toBe(
        true,
      );
    }
    expect((await fleet.counts()).failed).toBe(0);

    // A change made through any master reaches every process over the cluster's pub/sub.
    const admin = createRedisClient(address, { mode: 'fail-fast' });
    cleanups.push(async () => admin.disconnect());
    await untilReady(admin);
    await new FleetStore({ redis: admin, keyPrefix: queueKeyOf(fleet.queueName), worker: 'ops' }).open(
      'secondary',
      {
        until: undefined,
        reason: 'maintenance',
        force: true,
        manual: { by: 'ops', reason: 'maintenance' },
      },
    );
    await expect
      .poll(
        () =>
          fleet.workers.filter((worker) =>
            fleet.logs(worker).some((line) => line.provider === 'secondary' && line.state === 'open'),
          ).length,
        { timeout: 10_000 },
      )
      .toBe(3);
  });

  it("keeps every key of a shard on the one master serving its slot; the fleet's on the first shard's", async () => {
    const h = await api({ worker: true });
    const bulk = await h.request<{ jobs: Accepted[] }>('POST', '/v1/jobs/bulk', {
      jobs: [1, 2, 3].map((i) => ({ prompt: `where do my keys live ${i}` })),
    });
    await expect
      .poll(async () => (await h.states(bulk.body.jobs.map((job) => job.id))).join(), { timeout: 20_000 })
      .toBe('completed,completed,completed');
    const tags = [h.queueName, `${h.queueName}.1`, `${h.queueName}.2`].map((tag) => `bull:{${tag}}`);
    for (const tag of tags) {
      const owners: number[] = [];
      for (const port of await cluster.masters()) {
        const client = new Redis(port, '127.0.0.1');
        try {
          if ((await client.keys(`${tag}:*`)).length > 0) owners.push(port);
        } finally {
          client.disconnect();
        }
      }
      expect(owners).toEqual([await cluster.masterOf(tag)]);
    }
    // Breakwater's own keys (stats, fleet, limits…) live on the first shard's tag only.
    const first = new Redis(await cluster.masterOf(tags[0] as string), '127.0.0.1');
    cleanups.push(async () => first.disconnect());
    await expect
      .poll(async () => (await first.keys(`${tags[0]}:breakwater:*`)).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    for (const port of await cluster.masters()) {
      const client = new Redis(port, '127.0.0.1');
      try {
        expect(await client.keys(`bull:{${h.queueName}.*}:breakwater:*`)).toEqual([]);
      } finally {
        client.disconnect();
      }
    }
  });
});
