import type { Queue } from 'bullmq';

/**
 * Removes a queue from Redis for good and closes it. `obliterate` leaves keys it does not know:
 * Breakwater's provider-status hash (`<queue>:breakwater:providers`) and BullMQ's own limiter
 * counter, so whatever is left under the queue's prefix is deleted too.
 */
export async function removeQueue(queue: Queue): Promise<void> {
  await queue.obliterate({ force: true });
  const client = await queue.getBackend().client;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, { MATCH: `${queue.qualifiedName}:*`, COUNT: 500 });
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
  await queue.close();
}
