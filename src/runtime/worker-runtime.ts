import type { LoadedConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { AdapterFactory } from '../providers/create-adapter.js';
import { CircuitRegistry } from '../resilience/circuit-registry.js';
import type { ProviderSimulator } from '../simulator/simulator.js';
import { type BreakwaterWorker, createBreakwaterWorker } from '../worker/create-worker.js';
import { startEmbeddedSimulator } from './embedded-simulator.js';

export interface WorkerRuntimeOptions {
  loaded: LoadedConfig;
  redisUrl: string;
  logger?: Logger;
  closeGraceMs?: number;
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
  const circuits = new CircuitRegistry({ providers: config.providers });
  circuits.onTransition((transition) => {
    const fields = {
      provider: transition.provider,
      state: transition.state,
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
  const url = new URL(options.redisUrl);
  const breakwater = createBreakwaterWorker({
    config,
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      maxRetriesPerRequest: null,
    },
    circuits,
    adapter: (provider, model) => adapters.get(provider, model),
    logger,
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
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
        circuits.shutdown();
        await simulator?.close();
        logger.info('worker stopped');
      })();
      return closing;
    },
  };
}
