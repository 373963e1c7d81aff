import { QueueKeys } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { queueSchema } from '../../src/config/schema.js';
import { idempotentJobId } from '../../src/queue/job-options.js';
import {
  homeShard,
  ShardCursor,
  searchOrder,
  shardBullNames,
  shardDisplayName,
  shardedJobId,
} from '../../src/queue/shards.js';

describe('queue shards', () => {
  it('shard 0 is the queue as it always was; each other shard is a hash tag of its own', () => {
    expect(shardBullNames('breakwater', 1)).toEqual(['{breakwater}']);
    expect(shardBullNames('breakwater', 3)).toEqual(['{breakwater}', '{breakwater.1}', '{breakwater.2}']);
    for (const name of shardBullNames('evals', 4)) {
      // Every BullMQ key of a shard shares one slot: a shard's scripts never cross slots.
      const keys = Object.values(new QueueKeys('bull').getKeys(name));
      expect(new Set(keys.map((key) => calculateSlot(key))).size).toBe(1);
    }
    // A queue name cannot hold a dot, so no shard of one queue is another queue.
    expect(queueSchema.safeParse({ name: 'breakwater.1' }).success).toBe(false);
  });

  it('a new job takes the next shard in turn, and its id says which', () => {
    const cursor = new ShardCursor(3);
    const shards = Array.from({ length: 7 }, () => cursor.next());
    expect(shards).toEqual([0, 1, 2, 0, 1, 2, 0]);
    const id = shardedJobId(2, () => Buffer.alloc(16, 0xab));
    expect(id).toBe(`s2-${'ab'.repeat(16)}`);
    expect(homeShard(id, 3)).toBe(2);
    // After queue.shards shrank, the id still names a shard in range: readers then search the rest.
    expect(homeShard(id, 2)).toBe(0);
  });

  it('an idempotent id has one home shard in every process, spread over the shards', () => {
    const homes = Array.from({ length: 300 }, (_, i) => homeShard(idempotentJobId(`order-${i}`), 3));
    expect(homes).toEqual(Array.from({ length: 300 }, (_, i) => homeShard(idempotentJobId(`order-${i}`), 3)));
    const perShard = [0, 1, 2].map((shard) => homes.filter((home) => home === shard).length);
    for (const count of perShard) expect(count).toBeGreaterThan(60);
  });

  it("every step of a flow lives on the flow's shard", () => {
    const flow = `flow-${'0f'.repeat(16)}`;
    const home = homeShard(flow, 5);
    for (const step of ['a', 'b', 'summary_2']) expect(homeShard(`${flow}-${step}`, 5)).toBe(home);
  });

  it("BullMQ's numbered ids (plain BullMQ producers) live on shard 0; one shard is always shard 0", () => {
    expect(homeShard('17', 3)).toBe(0);
    expect(homeShard(idempotentJobId('x'), 1)).toBe(0);
    expect(searchOrder('17', 3)).toEqual([0, 1, 2]);
    expect(searchOrder(shardedJobId(1), 3)).toEqual([1, 0, 2]);
  });

  it('people read a shard as part of its queue', () => {
    expect(shardDisplayName('breakwater', 0, 1)).toBe('breakwater');
    expect(shardDisplayName('breakwater', 1, 3)).toBe('breakwater 2/3');
  });

  it('queue.shards is 1 to 64, 1 by default', () => {
    expect(queueSchema.parse({}).shards).toBe(1);
    expect(queueSchema.safeParse({ shards: 0 }).error?.issues[0]?.message).toBe('must be > 0');
    expect(queueSchema.safeParse({ shards: 65 }).error?.issues[0]?.message).toBe('must be at most 64');
  });
});
