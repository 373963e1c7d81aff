import type { Queue } from 'bullmq';

/** The part of BullMQ's client (a proxy of the ioredis client) a scan needs, one server at a time. */
interface ScanningClient {
  isCluster?: boolean;
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    size: number,
  ): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  nodes?(role: 'master'): ScanningClient[];
}

/**
 * Removes a queue from Redis for good and closes it. `obliterate` leaves keys it does not know:
 * Breakwater's provider-status hash (`<queue>:breakwater:providers`) and BullMQ's own limiter
 * counter, so whatever is left under the queue's prefix is deleted too. On a cluster SCAN sees one
 * server's keys, so every master is scanned (the queue's keys all sit on the one owning its slot).
 */
export async function removeQueue(queue: Queue): Promise<void> {
  await queue.obliterate({ force: true });
  const client = (await queue.getBackend().client) as unknown as ScanningClient;
  const servers = client.isCluster && client.nodes ? client.nodes('master') : [client];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${queue.qualifiedName}:*`, 'COUNT', 500);
      cursor = next;
      // The keys share the queue's hash tag, so one DEL never crosses slots.
      if (keys.length > 0) await server.del(...keys);
    } while (cursor !== '0');
  }
  await queue.close();
}
