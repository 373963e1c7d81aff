import type { Logger } from '../logging/logger.js';
import type { FleetCircuit } from './fleet-circuit.js';
import type { FleetRecord } from './fleet-record.js';
import type { FleetStore } from './fleet-store.js';

export interface Fleet {
  /** Stops listening to the fleet's broadcasts. */
  leave(): void;
}

/**
 * Reads the fleet's state into this process's circuits before it takes any job (a restarted worker
 * must not call a provider the fleet knows is down), then applies every broadcast change. After a
 * lost connection, the state is read again.
 */
export async function joinFleet(
  circuits: ReadonlyMap<string, FleetCircuit>,
  store: FleetStore,
  logger: Logger,
  observe: (provider: string, record: FleetRecord) => void = () => undefined,
): Promise<Fleet> {
  const apply = (provider: string, record: FleetRecord) => {
    circuits.get(provider)?.apply(record);
    observe(provider, record);
  };
  const readAll = async () => {
    for (const [provider, record] of await store.read()) apply(provider, record);
  };
  await readAll().catch((error: unknown) =>
    logger.warn({ err: error }, 'could not read fleet breaker state'),
  );
  const unsubscribe = await store.subscribe(apply, () => {
    readAll().catch((error: unknown) => logger.warn({ err: error }, 'could not resync fleet breaker state'));
  });
  return { leave: unsubscribe };
}
