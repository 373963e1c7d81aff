import { Redis } from 'ioredis';
import type { LoadedConfig } from '../config/load-config.js';
import { FleetCircuit } from '../fleet/fleet-circuit.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { joinFleet } from '../fleet/join-fleet.js';
import { workerId } from '../fleet/worker-id.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { AdapterFactory } from '../providers/create-adapter.js';
import { connectionOptions, failFastConnectionOptions } from '../redis/connection.js';
import { CircuitRegistry } from '../resilience/circuit-registry.js';
import type { ProviderSimulator } from '../simulator/simulator.js';
import { type BreakwaterWorker, createBreakwaterWorker } from '../worker/create-worker.js';
import { startEmbeddedSimulator } from './embedded-simulator.js';

export interface WorkerRuntimeOptions {
  loaded: LoadedConfig;
  redisUrl: string;
  logger?: Logger;
  closeGraceMs?: number;
  /** The clock for breakers and deferrals. @defaultValue Date.now */
  now?: () => number;
  /** Spread of deferred jobs' wake-up times. @defaultValue 1000 */
  deferralJitterMs?: number;
  /** This process in the fleet's records. @defaultValue host:pid:random */
  workerId?: string;
}

export interface WorkerRuntime {
  readonly breakwater: BreakwaterWorker;
  readonly circuits: CircuitRegistry;
  readonly simulator: ProviderSimulator | undefined;
  /** Closes the worker (grace period for in-flight calls), the breakers and the simulator, in order. Idempotent. */
  close(): Promise<void>;
}

/** Everything a worker process runs: circuits, adapters, the BullMQ worker, and the simulator if needed. */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { config, secrets } = options.loaded;
  const logger = options.logger ?? createLogger();
  const simulator = await startEmbeddedSimulator(config);
  // Fleet commands fail fast while Redis is away: the local breakers decide meanwhile.
  const redis = new Redis({ ...failFastConnectionOptions(options.redisUrl), lazyConnect: true });
  redis.on('error', () => undefined);
  await redis
    .connect()
    .catch((error: unknown) => logger.warn({ err: error }, 'fleet state unreachable at startup'));
  const store = new FleetStore({
    redis,
    keyPrefix: `bull:${config.queue.name}`,
    worker: options.workerId ?? workerId(),
    ...(options.now ? { now: options.now } : {}),
  });
  const fleetCircuits = new Map<string, FleetCircuit>();
  const circuits = new CircuitRegistry({
    providers: config.providers,
    ...(options.now ? { now: options.now } : {}),
    wrap: (local, provider) => {
      const circuit = new FleetCircuit({
        local,
        store,
        quorum: provider.breaker.quorum,
        windowMs: provider.breaker.rollingWindowMs,
        resetTimeoutMs: provider.breaker.resetTimeoutMs,
        volumeThreshold: provider.breaker.volumeThreshold,
        errorThresholdPercentage: provider.breaker.errorThresholdPercentage,
        probeLeaseMs: provider.timeoutMs + 1_000,
        logger,
        ...(options.now ? { now: options.now } : {}),
      });
      fleetCircuits.set(local.provider, circuit);
      return circuit;
    },
  });
  const fleet = await joinFleet(fleetCircuits, store, logger);
  circuits.onTransition((transition) => {
    const fields = {
      provider: transition.provider,
      state: transition.state,
      source: transition.source,
      until: transition.until,
      reason: transition.reason,
    };
    if (transition.state === 'open') logger.warn(fields, `provider ${transition.provider} breaker open`);
    else logger.info(fields, `provider ${transition.provider} breaker ${transition.state}`);
  });
  const adapters = new AdapterFactory({
    providers: config.providers,
    secrets,
    ...(simulator ? { simulatorUrl: simulator.url } : {}),
  });
  const breakwater = createBreakwaterWorker({
    config,
    connection: connectionOptions(options.redisUrl),
    circuits,
    adapter: (provider, model) => adapters.get(provider, model),
    logger,
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.deferralJitterMs === undefined ? {} : { deferralJitterMs: options.deferralJitterMs }),
  });
  logger.info(
    {
      queue: config.queue.name,
      concurrency: config.queue.concurrency,
      providers: Object.keys(config.providers),
      simulator: simulator?.url,
    },
    'worker started',
  );

  let closing: Promise<void> | undefined;
  return {
    breakwater,
    circuits,
    simulator,
    close() {
      closing ??= (async () => {
        await breakwater.close();
        fleet.leave();
        redis.disconnect();
        circuits.shutdown();
        await simulator?.close();
        logger.info('worker stopped');
      })();
      return closing;
    },
  };
}
