import type { RedisQueueBackend } from 'bullmq';
import { searchOrder } from './shards.js';

/** A BullMQ queue or worker of one shard: enough to tell whether it holds a job. */
export interface ShardHandle {
  toKey(type: string): string;
  getBackend(): RedisQueueBackend;
}

/**
 * The shard that holds a job: its home shard first, then the others at once (a job placed before
 * `queue.shards` changed). With one shard it is that shard, without a read: the caller's own read
 * tells whether the job is there.
 */
export async function locateShard<Shard extends ShardHandle>(
  shards: readonly Shard[],
  jobId: string,
): Promise<Shard | undefined> {
  if (shards.length === 1) return shards[0];
  const [home, ...rest] = searchOrder(jobId, shards.length).map((index) => shards[index] as Shard);
  if (home && (await holds(home, jobId))) return home;
  const found = await Promise.all(rest.map((shard) => holds(shard, jobId)));
  return rest[found.indexOf(true)];
}

async function holds(shard: ShardHandle, jobId: string): Promise<boolean> {
  const client = await shard.getBackend().client;
  // Every job hash BullMQ writes has its timestamp; other keys of the queue are not jobs.
  return (await client.hexists(shard.toKey(jobId), 'timestamp')) === 1;
}
