import { QueueEvents } from 'bullmq';
import type { FleetRecord } from '../fleet/fleet-record.js';
import type { FleetStore } from '../fleet/fleet-store.js';
import type { Logger } from '../logging/logger.js';
import { shardBullNames } from '../queue/shards.js';
import { bullConnection, createRedisClient, type RedisClient } from '../redis/redis-client.js';
import { type BreakwaterEvent, breakerEvent } from './breakwater-event.js';
import { JobEventMapper } from './job-event-mapper.js';

export type EventListener = (event: BreakwaterEvent) => void;

export interface EventHubOptions {
  queueName: string;
  /** `queue.shards`: each shard's event stream is followed. @defaultValue 1 */
  shards?: number;
  redisUrl: string;
  fleet: Pick<FleetStore, 'subscribe' | 'read'>;
  logger: Logger;
  /** The channel workers publish streamed jobs' partial text on; without it, none is relayed. */
  deltaChannel?: string;
}

/**
 * Every process's job lifecycle events (BullMQ's event stream) and breaker transitions (the fleet's
 * channel), merged and fanned out to listeners in this process.
 */
export class EventHub {
  readonly #listeners = new Set<EventListener>();
  readonly #queueEvents: readonly QueueEvents[];
  readonly #closeConnection: () => void;
  #unsubscribe: (() => void) | undefined;
  #deltas: RedisClient | undefined;

  private constructor(queueEvents: readonly QueueEvents[], closeConnection: () => void) {
    this.#queueEvents = queueEvents;
    this.#closeConnection = closeConnection;
  }

  static async start(options: EventHubOptions): Promise<EventHub> {
    // A blocking reader on a connection of its own; it waits out Redis being away and resumes.
    const bull = bullConnection(options.redisUrl);
    const queueEvents = shardBullNames(options.queueName, options.shards ?? 1).map(
      (name) => new QueueEvents(name, { connection: bull.connection }),
    );
    for (const stream of queueEvents)
      stream.on('error', (error: Error) => options.logger.warn({ err: error }, 'event stream error'));
    const hub = new EventHub(queueEvents, bull.close);
    const mapper = new JobEventMapper((event) => hub.#emit(event));
    for (const stream of queueEvents) mapper.listen(stream);
    // The last change seen per provider: after a lost subscription, the records read back tell
    // which changes were missed meanwhile, and only those are sent.
    const seen = new Map<string, string>();
    const changed = (provider: string, record: FleetRecord) => {
      const key = JSON.stringify(record);
      if (seen.get(provider) === key) return;
      seen.set(provider, key);
      hub.#emit(breakerEvent(provider, record));
    };
    hub.#unsubscribe = await options.fleet.subscribe(changed, () => {
      options.fleet.read().then(
        (records) => {
          for (const [provider, record] of records) changed(provider, record);
        },
        (error: unknown) =>
          options.logger.warn({ err: error }, 'breaker records not read back after a reconnect'),
      );
    });
    for (const [provider, record] of await options.fleet.read()) seen.set(provider, JSON.stringify(record));
    if (options.deltaChannel !== undefined) {
      hub.#deltas = await subscribeToDeltas(options.redisUrl, options.deltaChannel, options.logger, (event) =>
        hub.#emit(event),
      );
    }
    await Promise.all(queueEvents.map((stream) => stream.waitUntilReady()));
    return hub;
  }

  /** Adds a listener; returns its remover. */
  listen(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#unsubscribe?.();
    this.#deltas?.disconnect();
    await Promise.all(this.#queueEvents.map((stream) => stream.close()));
    this.#closeConnection();
  }

  #emit(event: BreakwaterEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** A connection of its own, subscribed to the workers' deltas; each message is one event. */
async function subscribeToDeltas(
  redisUrl: string,
  channel: string,
  logger: Logger,
  emit: (event: BreakwaterEvent) => void,
): Promise<RedisClient> {
  const subscriber = createRedisClient(redisUrl, { mode: 'wait' });
  subscriber.on('error', (error: Error) => logger.warn({ err: error }, 'delta subscription error'));
  subscriber.on('message', (_channel: string, message: string) => {
    const event = parseDelta(message);
    if (event) emit(event);
  });
  await subscriber.subscribe(channel);
  return subscriber;
}

function parseDelta(message: string): BreakwaterEvent | undefined {
  try {
    const event = JSON.parse(message) as { type?: unknown; event?: unknown; jobId?: unknown };
    if (event.type !== 'job' || (event.event !== 'delta' && event.event !== 'restart')) return undefined;
    if (typeof event.jobId !== 'string') return undefined;
    return event as BreakwaterEvent;
  } catch {
    return undefined;
  }
}
