import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetRecord } from '../../src/fleet/fleet-record.js';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { redisUrl } from '../support/worker-harness.js';

const clients: Redis[] = [];
const prefix = `bull:test-${randomUUID()}`;
afterEach(async () => {
  const [client] = clients;
  if (client) {
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  }
  for (const client of clients.splice(0)) client.disconnect();
});

function store(worker: string, now = () => Date.now()): FleetStore {
  const redis = new Redis(redisUrl);
  clients.push(redis);
  return new FleetStore({ redis, keyPrefix: prefix, worker, now });
}

describe('the fleet store', () => {
  it('opens only when the quorum of distinct workers has tripped, then keeps the longer open period', async () => {
    const [a, b, c] = [store('a'), store('b'), store('c')];
    const until = Date.now() + 5_000;
    const open = (s: FleetStore, at = until) =>
      s.open('openai', { until: at, reason: 'breaker open: 503', quorum: 2 });
    expect(await open(a)).toBe('pending');
    expect(await open(a)).toBe('pending');
    expect((await a.read()).get('openai')).toBeUndefined();
    expect(await open(b)).toBe('opened');
    expect((await c.read()).get('openai')).toMatchObject({
      state: 'open',
      until,
      reason: 'breaker open: 503',
      worker: 'b',
    });
    expect(await open(c, until - 1_000)).toBe('already');
    expect(await open(c, until + 1_000)).toBe('opened');
  });

  it('lets exactly one worker take the probe lease, and only once the open period is over', async () => {
    let now = Date.now();
    const workers = Array.from({ length: 6 }, (_, i) => store(`w${i}`, () => now));
    const [first] = workers;
    await first!.open('openai', { until: now + 1_000, reason: 'breaker open' });
    const early = await Promise.all(workers.map((w) => w.acquireProbe('openai', 5_000)));
    expect(early.map((answer) => answer.won)).toEqual(Array(6).fill(false));
    expect(early[0]?.record).toMatchObject({ state: 'open' });
    now += 1_000;
    const answers = await Promise.all(workers.map((w) => w.acquireProbe('openai', 5_000)));
    const won = answers.map((answer) => answer.won);
    expect(won.filter(Boolean)).toHaveLength(1);
    // The others learn how long the winner's lease runs.
    for (const answer of answers.filter((entry) => !entry.won)) {
      expect(answer.leaseMs).toBeGreaterThan(4_000);
      expect(answer.leaseMs).toBeLessThanOrEqual(5_000);
    }

    const winner = workers[won.indexOf(true)]!;
    const loser = workers[won.indexOf(false)]!;
    expect(await loser.close('openai', { probe: true })).toBe(false);
    expect(await winner.close('openai', { probe: true })).toBe(true);
    expect((await loser.read()).get('openai')?.state).toBe('closed');
  });

  it('a manual open without a duration is never probed nor replaced by a breaker trip; a manual close ends it', async () => {
    let now = Date.now();
    const [api, worker] = [store('api', () => now), store('worker', () => now)];
    await api.open('openai', {
      until: undefined,
      reason: 'maintenance',
      force: true,
      manual: { by: 'ops', reason: 'maintenance' },
    });
    now += 3_600_000;
    expect((await worker.acquireProbe('openai', 5_000)).won).toBe(false);
    expect(await worker.open('openai', { until: now + 1_000, reason: 'breaker open' })).toBe('already');
    expect((await worker.read()).get('openai')).toMatchObject({
      state: 'open',
      manual: { by: 'ops', reason: 'maintenance' },
    });
    expect((await worker.read()).get('openai')).not.toHaveProperty('until');
    expect(await api.close('openai', { manual: { by: 'ops', reason: 'done' } })).toBe(true);
    expect((await worker.read()).get('openai')).toMatchObject({
      state: 'closed',
      manual: { by: 'ops', reason: 'done' },
    });
  });

  it('broadcasts every change to every subscriber', async () => {
    const [a, b] = [store('a'), store('b')];
    const seen: [string, FleetRecord][] = [];
    const unsubscribe = await b.subscribe(
      (provider, record) => seen.push([provider, record]),
      () => undefined,
    );
    try {
      await a.open('claude', { until: Date.now() + 1_000, reason: 'breaker open: 529' });
      await a.close('claude', { manual: { by: 'ops', reason: 'fixed' } });
      await expect
        .poll(() => seen.map(([provider, record]) => `${provider} ${record.state}`))
        .toEqual(['claude open', 'claude closed']);
    } finally {
      unsubscribe();
    }
  });

  it("counts the jobs deferred on a provider that still wait in any shard's delayed set", async () => {
    const redis = new Redis(redisUrl);
    clients.push(redis);
    // Three shards' delayed sets (on a cluster each its own slot; here under the test's prefix).
    const delayed = [0, 1, 2].map((shard) => `${prefix}:shard${shard}:delayed`);
    const sharded = new FleetStore({ redis, keyPrefix: prefix, worker: 'api', delayedKeys: delayed });
    const until = Date.now() + 60_000;
    for (const id of ['a', 'b', 'c', 'd', 'gone']) await sharded.addDeferred(['openai'], id, until);
    await sharded.addDeferred(['anthropic'], 'c', until);
    await redis.zadd(delayed[0] as string, 1, 'a');
    await redis.zadd(delayed[1] as string, 1, 'b', 1, 'c');
    await redis.zadd(delayed[2] as string, 1, 'd', 1, 'not-deferred');
    expect(await sharded.deferredCounts(['openai', 'anthropic', 'google'])).toEqual(
      new Map([
        ['openai', 4],
        ['anthropic', 1],
        ['google', 0],
      ]),
    );
    // With one shard only its own delayed set counts.
    const single = new FleetStore({
      redis,
      keyPrefix: prefix,
      worker: 'api',
      delayedKeys: [delayed[0] as string],
    });
    expect((await single.deferredCounts(['openai'])).get('openai')).toBe(1);
  });
});
