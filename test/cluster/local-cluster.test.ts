import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRedisCluster } from '../support/redis-cluster.js';

describe('a local Redis Cluster for the tests', () => {
  const cluster = new LocalRedisCluster();

  beforeAll(async () => {
    await cluster.start();
  }, 90_000);
  afterAll(() => cluster.stop());

  it('has 3 masters with a replica each, every slot served, and takes keys of any slot', async () => {
    expect(cluster.nodes).toHaveLength(6);
    expect(await cluster.masters()).toHaveLength(3);
    const client = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
    try {
      // Keys of different slots land on different masters; the client follows the slot map.
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) await client.set(key, key);
      expect(await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => client.get(key)))).toEqual([
        'a',
        'b',
        'c',
        'd',
        'e',
        'f',
      ]);
      const slots = (await client.cluster('SLOTS')) as unknown[];
      expect(slots.length).toBeGreaterThanOrEqual(3);
    } finally {
      client.disconnect();
    }
  });
});
