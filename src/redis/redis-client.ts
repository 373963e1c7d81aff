import type { ConnectionOptions } from 'bullmq';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';
import { connectionOptions, failFastConnectionOptions, type RedisConnectionOptions } from './connection.js';
import { parseRedisTarget, type RedisTarget } from './redis-target.js';

/** One Redis server or a Redis Cluster: the commands Breakwater sends are the same on both. */
export type RedisClient = Redis | Cluster;

/**
 * How a client behaves while Redis is away: `wait` (workers: commands wait for the reconnect) or
 * `fail-fast` (the API and the fleet's records: a command fails, so a request gets its 503).
 */
export type RedisMode = 'wait' | 'fail-fast';

export interface RedisClientOptions {
  mode: RedisMode;
  lazyConnect?: boolean;
  /** For `fail-fast`: a command not answered in this long fails. @defaultValue 5000 */
  commandTimeoutMs?: number;
}

/** A client for the address (a `redis://` URL or a `redis+cluster://` seed list). */
export function createRedisClient(address: string, options: RedisClientOptions): RedisClient {
  const target = parseRedisTarget(address);
  const perNode = nodeOptions(target, options);
  const lazy = options.lazyConnect ? { lazyConnect: true } : {};
  if (target.kind === 'single') return new Redis({ ...perNode, ...lazy });
  return new Cluster(
    target.nodes.map((node) => ({ ...node })),
    clusterOptions(target, perNode, options.mode, lazy),
  );
}

/**
 * BullMQ's `connection` for the address, and what closes it. On one server BullMQ builds and owns
 * its connections from options, as before; on a cluster it takes a `Cluster` client (it cannot build
 * one from options), which the caller closes after the queue or worker.
 */
export function bullConnection(
  address: string,
  mode: RedisMode = 'wait',
  commandTimeoutMs?: number,
): { connection: ConnectionOptions; close: () => void } {
  const target = parseRedisTarget(address);
  if (target.kind === 'single') {
    return {
      connection:
        mode === 'wait'
          ? connectionOptions(target.url)
          : failFastConnectionOptions(target.url, commandTimeoutMs),
      close: () => undefined,
    };
  }
  const client = createRedisClient(address, {
    mode,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
  });
  client.on('error', () => undefined);
  return { connection: client, close: () => client.disconnect() };
}

/** Whether the client can take commands now. */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === 'ready';
}

function nodeOptions(target: RedisTarget, options: RedisClientOptions): RedisConnectionOptions {
  if (target.kind === 'single') {
    return options.mode === 'wait'
      ? connectionOptions(target.url)
      : failFastConnectionOptions(target.url, options.commandTimeoutMs);
  }
  const auth = {
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
  };
  return options.mode === 'wait'
    ? { ...auth, maxRetriesPerRequest: null }
    : { ...auth, maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs ?? 5_000 };
}

function clusterOptions(
  target: Extract<RedisTarget, { kind: 'cluster' }>,
  redisOptions: RedisConnectionOptions,
  mode: RedisMode,
  lazy: { lazyConnect?: boolean },
): ClusterOptions {
  return {
    redisOptions,
    ...lazy,
    // Managed clusters (ElastiCache, Memorystore) answer with node names their TLS certificate is
    // for: connect to them as named rather than by a resolved address.
    ...(target.tls ? { dnsLookup: (name, callback) => callback(null, name) } : {}),
    // A failover moves slots: follow MOVED at once, and retry a command a few times while a replica
    // is being promoted (CLUSTERDOWN, TRYAGAIN) instead of failing it.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
    // ioredis re-reads the slot map on MOVED or CLUSTERDOWN only; a command to a master that died
    // fails with a socket error or a timeout, neither of which makes it look. Without this, a
    // client kept sending a dead master's slots to it after its replica had taken over.
    slotsRefreshInterval: 2_000,
    clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
    // No auto-pipelining on a cluster: ioredis groups the commands of many slots into one pipeline
    // and handles a MOVED for the pipeline as a whole, so during a failover commands fail with
    // MOVED, and the slot map is not corrected by them (ioredis issue #2075).
    ...(mode === 'wait' ? { maxRedirections: 64 } : { enableOfflineQueue: false, maxRedirections: 16 }),
  };
}

/**
 * A connection of its own for SUBSCRIBE that waits out a lost connection and resubscribes rather
 * than failing. On a cluster, a channel's messages reach every node, so any node serves it.
 */
export function subscriberOf(client: RedisClient): RedisClient {
  const waiting = { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined };
  if (client instanceof Redis) return client.duplicate({ ...waiting, lazyConnect: false });
  return client.duplicate(undefined, {
    enableOfflineQueue: true,
    lazyConnect: false,
    redisOptions: { ...client.options.redisOptions, ...waiting },
  });
}

/**
 * Resolves once the client is ready, or after `timeoutMs` either way. A fail-fast client refuses
 * commands until then, and a cluster client is ready only once it has read the slot map.
 */
export async function untilReady(client: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once('ready', done);
    function done() {
      clearTimeout(timer);
      client.removeListener('ready', done);
      resolve();
    }
  });
}
