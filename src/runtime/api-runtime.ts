import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { FlowProducer, Queue } from 'bullmq';
import { LimitsStore } from '../admission/limits-store.js';
import { batchQueueName } from '../batch/batch-board.js';
import { BatchStore } from '../batch/batch-store.js';
import type { LoadedConfig } from '../config/load-config.js';
import { EventHub } from '../events/event-hub.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { workerId } from '../fleet/worker-id.js';
import { FlowStore } from '../flows/flow-record.js';
import { createApp } from '../http/app.js';
import { attachEventSocket } from '../http/event-socket.js';
import { applyServerLimits } from '../http/server-limits.js';
import { submitGuard } from '../http/submit-guard.js';
import { knownSecrets } from '../logging/known-secrets.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { delayedKeyOf } from '../queue/bullmq-internals.js';
import { JobQueues } from '../queue/job-queues.js';
import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import { bullConnection, createRedisClient, untilReady } from '../redis/redis-client.js';
import { StatsStore } from '../stats/stats-store.js';
import { openWebhookQueue } from '../webhooks/webhook-queue.js';
import type { JobResult } from '../worker/job-result.js';
import { packageVersion } from './package-version.js';
import { assertSafeBinding, isLoopbackHost } from './safe-binding.js';

export interface ApiRuntimeOptions {
  loaded: LoadedConfig;
  redisUrl: string;
  logger?: Logger;
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /** 0 picks a free port. @defaultValue 3000 */
  port?: number;
  /** BREAKWATER_API_TOKEN; undefined leaves the API open (bind to loopback then). */
  token?: string | undefined;
  /** Largest accepted JSON body. @defaultValue '10mb' */
  bodyLimit?: string;
  /** Listen beyond loopback without a token (BREAKWATER_ALLOW_UNAUTHENTICATED). @defaultValue false */
  allowUnauthenticated?: boolean;
}

export interface ApiRuntime {
  /** The job queue: every shard of it (`queue.shards`). */
  readonly queues: JobQueues<JobResult>;
  /** Where the API listens, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Stops accepting connections, then closes Redis connections. Idempotent. */
  close(): Promise<void>;
}

/** The HTTP API process: Express app, queue producer, provider status reader. */
export async function startApiRuntime(options: ApiRuntimeOptions): Promise<ApiRuntime> {
  const { config } = options.loaded;
  const logger = options.logger ?? createLogger();
  knownSecrets.add(options.token);
  assertSafeBinding({
    host: options.host ?? '127.0.0.1',
    token: options.token,
    allowUnauthenticated: options.allowUnauthenticated ?? false,
  });
  const bull = bullConnection(options.redisUrl, 'fail-fast', redisCommandTimeoutMs);
  const connection = bull.connection;
  const queues = JobQueues.open<JobResult>(config.queue.name, config.queue.shards, connection);
  const queue = queues.first;
  const batchQueue = new Queue(batchQueueName(config.queue.name), { connection });
  // Its connection's errors are the job queue's, already logged: not repeated here.
  batchQueue.on('error', () => undefined);
  const redis = createRedisClient(options.redisUrl, {
    mode: 'fail-fast',
    commandTimeoutMs: redisCommandTimeoutMs,
  });
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  queues.on('error', (error: Error) => logger.warn({ err: error }, 'queue connection error'));
  // Serve only once the queue's connection is ready; closing a BullMQ queue that is still connecting
  // also leaves an unhandled rejection behind.
  await queues.waitUntilReady();
  await untilReady(redis);
  const flows = new FlowProducer({ connection });
  flows.on('error', (error: Error) => logger.warn({ err: error }, 'flow producer connection error'));
  const webhooks = openWebhookQueue(queue.qualifiedName, connection);
  webhooks.on('error', (error: Error) => logger.warn({ err: error }, 'webhook queue connection error'));
  await webhooks.waitUntilReady();
  const fleet = new FleetStore({
    redis,
    keyPrefix: queue.qualifiedName,
    worker: `api:${workerId()}`,
    delayedKeys: queues.shards.map((shard) => delayedKeyOf(shard.qualifiedName)),
  });
  const hub = await EventHub.start({
    queueName: config.queue.name,
    shards: config.queue.shards,
    redisUrl: options.redisUrl,
    fleet,
    logger,
    deltaChannel: new BreakwaterKeys(queue.qualifiedName).deltaChannel,
  });
  const app = createApp({
    config,
    queues,
    fleet,
    stats: new StatsStore({ redis, keyPrefix: queue.qualifiedName }),
    batches: new BatchStore(redis, new BreakwaterKeys(queue.qualifiedName)),
    batchQueue,
    limits: new LimitsStore({ redis, keys: new BreakwaterKeys(queue.qualifiedName), config }),
    logger,
    pingRedis: () => redis.ping(),
    redisAvailable: () => redis.status === 'ready',
    token: options.token,
    version: packageVersion(),
    flows: {
      producer: flows,
      store: new FlowStore({ redis, keys: new BreakwaterKeys(queue.qualifiedName) }),
    },
    ...submitGuard(config, redis, queue.qualifiedName, options.token !== undefined),
    webhooks: { queue: webhooks, secretSet: options.loaded.webhookSecret !== undefined },
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  const server = await listen(app, options.port ?? 3000, options.host ?? '127.0.0.1').catch(
    async (error: unknown) => {
      await hub.close();
      throw error;
    },
  );
  const events = attachEventSocket(server, {
    hub,
    token: options.token,
    logger,
    hosts: { allowedHosts: config.api.allowedHosts, hostCheck: config.api.hostCheck },
    maxConnections: config.api.maxEventConnections,
    maxConnectionsPerClient: config.api.maxEventConnectionsPerClient,
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, queue: config.queue.name, auth: options.token !== undefined }, 'api listening');
  if (options.token === undefined && !isLoopbackHost(address.address)) {
    logger.warn(
      { url },
      'the API is reachable from the network without auth (BREAKWATER_ALLOW_UNAUTHENTICATED); set BREAKWATER_API_TOKEN',
    );
  }

  let closing: Promise<void> | undefined;
  return {
    queues,
    url,
    close() {
      closing ??= (async () => {
        events.close();
        // Requests in flight get closeTimeoutMs to finish; then their connections are cut.
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), closeTimeoutMs).unref();
        });
        // The API holds no locks: when Redis is gone, do not wait for a graceful QUIT it cannot answer.
        const clients = await Promise.all(
          [...queues.shards, webhooks].map((open) => open.getBackend().client),
        );
        if (redis.status !== 'ready') for (const client of clients) client.disconnect();
        const closing = Promise.all([queues.close(), webhooks.close()]).catch(() => undefined);
        const closed = await Promise.race([closing.then(() => true), delay(closeTimeoutMs, false)]);
        // Stop any reconnect loop left behind, whose errors would have no listener any more.
        for (const client of clients) client.disconnect();
        if (!closed) await closing;
        // As for the queues: a flow producer whose Redis is gone is cut off, not left reconnecting.
        const flowClient = await flows.getBackend().client.catch(() => undefined);
        if (redis.status !== 'ready') flowClient?.disconnect();
        await Promise.race([flows.close().catch(() => undefined), delay(closeTimeoutMs)]);
        flowClient?.disconnect();
        const batchClient = await batchQueue.getBackend().client.catch(() => undefined);
        await Promise.race([batchQueue.close().catch(() => undefined), delay(closeTimeoutMs)]);
        batchClient?.disconnect();
        await Promise.race([hub.close().catch(() => undefined), delay(closeTimeoutMs)]);
        redis.disconnect();
        bull.close();
        logger.info('api stopped');
      })();
      return closing;
    },
  };
}

const closeTimeoutMs = 2_000;

/**
 * A Redis that holds connections open but does not answer (frozen, overloaded) fails a command after
 * this long, so a request still gets its 503 within a second. Redis answers in well under a
 * millisecond when healthy; a whole 9 MB bulk request of 1,000 jobs takes about 200 ms end to end.
 */
const redisCommandTimeoutMs = 700;

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    applyServerLimits(server);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
