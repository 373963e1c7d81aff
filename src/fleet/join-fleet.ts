import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logging/logger.js';
import type { FleetCircuit } from './fleet-circuit.js';
import type { FleetRecord } from './fleet-record.js';
import type { FleetStore } from './fleet-store.js';

export interface Fleet {
  /** Stops listening to the fleet's broadcasts and any read still retrying. */
  leave(): void;
}

/**
 * Follows the fleet's state: subscribes first, then reads every record, so no change falls between
 * the two. The first read finishes before this resolves when Redis answers (a restarted worker must
 * not call a provider the fleet knows is down); when it does not, and after every reconnect, the
 * records are read again until that succeeds.
 */
export async function joinFleet(
  circuits: ReadonlyMap<string, FleetCircuit>,
  store: FleetStore,
  logger: Logger,
  observe: (provider: string, record: FleetRecord) => void = () => undefined,
): Promise<Fleet> {
  let left = false;
  const apply = (provider: string, record: FleetRecord) => {
    circuits.get(provider)?.apply(record);
    observe(provider, record);
  };
  const readAll = async () => {
    for (const [provider, record] of await store.read()) apply(provider, record);
  };
  let retrying: Promise<void> | undefined;
  const readUntilDone = () => {
    retrying ??= (async () => {
      for (let attempt = 0; !left; attempt++) {
        try {
          await readAll();
          return;
        } catch (error) {
          if (attempt === 0) logger.warn({ err: error }, 'could not read fleet breaker state; retrying');
          await delay(Math.min(2_000, 100 * 2 ** attempt));
        }
      }
    })().finally(() => {
      retrying = undefined;
    });
    return retrying;
  };
  const unsubscribe = await store.subscribe(apply, () => void readUntilDone());
  try {
    await readAll();
  } catch (error) {
    logger.warn({ err: error }, 'fleet state unreachable: local breakers decide until it can be read');
    void readUntilDone();
  }
  return {
    leave() {
      left = true;
      unsubscribe();
    },
  };
}
