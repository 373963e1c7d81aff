import { QueueEvents } from 'bullmq';
import type { FleetRecord } from '../fleet/fleet-record.js';
import type { FleetStore } from '../fleet/fleet-store.js';
import type { Logger } from '../logging/logger.js';
import { bullQueueNameOf } from '../queue/bullmq-internals.js';
import { bullConnection } from '../redis/redis-client.js';
import { type BreakwaterEvent, breakerEvent } from './breakwater-event.js';
import { JobEventMapper } from './job-event-mapper.js';

export type EventListener = (event: BreakwaterEvent) => void;

export interface EventHubOptions {
  queueName: string;
  redisUrl: string;
  fleet: Pick<FleetStore, 'subscribe' | 'read'>;
  logger: Logger;
}

/**
 * Every process's job lifecycle events (BullMQ's event stream) and breaker transitions (the fleet's
 * channel), merged and fanned out to listeners in this process.
 */
export class EventHub {
  readonly #listeners = new Set<EventListener>();
  readonly #queueEvents: QueueEvents;
  readonly #closeConnection: () => void;
  #unsubscribe: (() => void) | undefined;

  private constructor(queueEvents: QueueEvents, closeConnection: () => void) {
    this.#queueEvents = queueEvents;
    this.#closeConnection = closeConnection;
  }

  static async start(options: EventHubOptions): Promise<EventHub> {
    // A blocking reader on a connection of its own; it waits out Redis being away and resumes.
    const bull = bullConnection(options.redisUrl);
    const queueEvents = new QueueEvents(bullQueueNameOf(options.queueName), { connection: bull.connection });
    queueEvents.on('error', (error: Error) => options.logger.warn({ err: error }, 'event stream error'));
    const hub = new EventHub(queueEvents, bull.close);
    const mapper = new JobEventMapper((event) => hub.#emit(event));
    mapper.listen(queueEvents);
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
    await queueEvents.waitUntilReady();
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
    await this.#queueEvents.close();
    this.#closeConnection();
  }

  #emit(event: BreakwaterEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
