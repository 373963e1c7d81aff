import { randomBytes } from 'node:crypto';
import { bullQueueNameOf } from './bullmq-internals.js';

/**
 * How jobs spread over a queue's shards (`queue.shards`): N BullMQ queues, each its own Redis
 * Cluster hash tag, so a cluster's masters share the jobs. Shard 0 is the queue as it always was
 * (`{breakwater}`), and the fleet's keys stay on its tag; shard k is `{breakwater.k}` (a dot, which a
 * queue name cannot hold, so no queue's shard is another queue). Every rule here is pure.
 */

/** The BullMQ names of a queue's shards, shard 0 first. */
export function shardBullNames(queueName: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => shardBullName(queueName, shard));
}

export function shardBullName(queueName: string, shard: number): string {
  return shard === 0 ? bullQueueNameOf(queueName) : bullQueueNameOf(`${queueName}.${shard}`);
}

/**
 * The id of a new job placed on a shard (with more than one): the shard is written in it, so the
 * job is found with one look whatever `queue.shards` becomes later. With one shard BullMQ numbers
 * jobs itself, as it always has.
 */
export function shardedJobId(shard: number, random: () => Buffer = () => randomBytes(16)): string {
  return `s${shard}-${random().toString('hex')}`;
}

export const shardedJobIdPattern = /^s(\d{1,3})-[0-9a-f]{32}$/;

const flowRootPattern = /^(flow-[0-9a-f]{32})(-[A-Za-z0-9_-]{1,64})?$/;

/**
 * The shard a job id belongs on: the one written in a sharded id; a flow's for every step of a flow
 * (a flow lives in one queue); for an idempotent id, the one its hash picks, the same in every
 * process; shard 0 for BullMQ's numbered ids (jobs added with plain BullMQ go to the first shard).
 * An id can still be elsewhere after `queue.shards` changed: a reader looks there first, then in
 * the other shards.
 */
export function homeShard(jobId: string, shards: number): number {
  if (shards <= 1) return 0;
  const sharded = shardedJobIdPattern.exec(jobId);
  if (sharded) return Number(sharded[1]) % shards;
  if (/^\d+$/.test(jobId)) return 0;
  const flow = flowRootPattern.exec(jobId);
  return fnv1a(flow ? (flow[1] as string) : jobId) % shards;
}

/** The order in which to look for a job: its home shard, then the others. */
export function searchOrder(jobId: string, shards: number): number[] {
  const home = homeShard(jobId, shards);
  return [home, ...Array.from({ length: shards }, (_, shard) => shard).filter((shard) => shard !== home)];
}

/** FNV-1a, 32 bits: stable across processes and versions, which is all placement needs. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** How people know a shard: the queue's name, and which part of it (`breakwater 2/3`). */
export function shardDisplayName(queueName: string, shard: number, shards: number): string {
  return shards === 1 ? queueName : `${queueName} ${shard + 1}/${shards}`;
}

/** Hands out shards to new jobs in turn, so each shard gets an even share. */
export class ShardCursor {
  #next = 0;

  constructor(readonly shards: number) {}

  next(): number {
    const shard = this.#next;
    this.#next = (this.#next + 1) % this.shards;
    return shard;
  }
}
