import { Job } from 'bullmq';
import type { WindowOf } from '../admission/budget-window.js';
import { FleetAdmission } from '../admission/fleet-admission.js';
import { readReportedLimits } from '../admission/reported-limits.js';
import { BatchBoard } from '../batch/batch-board.js';
import { batchClients } from '../batch/batch-clients.js';
import { BatchCoordinator } from '../batch/batch-coordinator.js';
import { batchStep } from '../batch/batch-step.js';
import { BatchStore } from '../batch/batch-store.js';
import { wakeBatchedJob } from '../batch/wake-batched-job.js';
import { CachedRuns } from '../cache/cached-runs.js';
import { ResultCache } from '../cache/result-cache.js';
import type { LoadedConfig } from '../config/load-config.js';
import { resolveProviders } from '../config/resolve-providers.js';
import { FleetMember } from '../fleet/fleet-member.js';
import { HealthProber } from '../fleet/health-prober.js';
import { workerId } from '../fleet/worker-id.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { AdapterFactory } from '../providers/create-adapter.js';
import { queueKeyOf } from '../queue/bullmq-internals.js';
import { promoteDeferred } from '../queue/promote-deferred.js';
import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import { bullConnection } from '../redis/redis-client.js';
import { CircuitRegistry } from '../resilience/circuit-registry.js';
import type { ProviderSimulator } from '../simulator/simulator.js';
import { knownModels } from '../stats/known-models.js';
import { StatsRecorder } from '../stats/stats-recorder.js';
import { StatsStore } from '../stats/stats-store.js';
import { RedisDeltaSink } from '../streaming/delta-sink.js';
import { type BreakwaterWorker, createBreakwaterWorker } from '../worker/create-worker.js';
import { startEmbeddedSimulator } from './embedded-simulator.js';
import { startWebhookRuntime } from './webhook-runtime.js';

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
  /** The budget windows (tests shorten them). @defaultValue UTC hours, days and months */
  budgetWindow?: WindowOf;
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
  const member = await FleetMember.connect({
    config,
    redisUrl: options.redisUrl,
    logger,
    ...(options.workerId ? { workerId: options.workerId } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const circuits = new CircuitRegistry({
    providers: config.providers,
    ...(options.now ? { now: options.now } : {}),
    wrap: member.wrap,
  });
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
  // Simulated providers become the wire types they speak, now that the simulator's URL is known.
  const providers = resolveProviders(config.providers, simulator?.url);
  const adapters = new AdapterFactory({ providers, secrets });
  // The fleet's state is read before the worker exists, so a restarted worker never calls a
  // provider the fleet knows is down. Wake-ups that come early wait for the worker.
  let workerCreated: (worker: BreakwaterWorker) => void = () => undefined;
  const workerReady = new Promise<BreakwaterWorker>((resolve) => {
    workerCreated = resolve;
  });
  let lift: () => Promise<void> = async () => undefined;
  await member.join(
    async (jobId) => {
      const shard = await (await workerReady).locate(jobId);
      return shard ? promoteDeferred(shard, jobId) : false;
    },
    // A provider closed: a queue paused because every provider was open takes jobs again now.
    () => void lift().catch((error: unknown) => logger.warn({ err: error }, 'queue pause not lifted')),
  );
  const stats = new StatsRecorder({
    store: new StatsStore({ redis: member.redis, keyPrefix: queueKeyOf(config.queue.name) }),
    knownModels: knownModels(config),
    onError: (error) => logger.warn({ err: error }, 'stats not written; kept for the next flush'),
  });
  const webhooks = startWebhookRuntime({
    config,
    redisUrl: options.redisUrl,
    secret: options.loaded.webhookSecret,
    logger,
    stats,
    ...(options.now ? { now: options.now } : {}),
  });
  const keys = new BreakwaterKeys(queueKeyOf(config.queue.name));
  const gate = new FleetAdmission({
    redis: member.redis,
    keys,
    config,
    ...(options.now ? { now: options.now } : {}),
    ...(options.budgetWindow ? { windowOf: options.budgetWindow } : {}),
  });
  const batchStore = new BatchStore(member.redis, keys);
  const prober = new HealthProber({
    config,
    circuit: (provider) => member.circuit(provider),
    adapter: (provider, model) => adapters.get(provider, model),
    redis: member.redis,
    keys,
    logger,
  });
  const bull = bullConnection(options.redisUrl);
  const breakwater = createBreakwaterWorker({
    config,
    connection: bull.connection,
    circuits,
    adapter: (provider, model) => adapters.get(provider, model),
    logger,
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.deferralJitterMs === undefined ? {} : { deferralJitterMs: options.deferralJitterMs }),
    wake: member.wake,
    stats,
    deltas: new RedisDeltaSink({ redis: member.redis, channel: keys.deltaChannel }),
    batch: batchStep(batchStore, config, options.now ?? Date.now),
    onJobEnd: webhooks.onJobEnd,
    cache: new CachedRuns({
      cache: new ResultCache(member.redis, queueKeyOf(config.queue.name)),
      config,
      logger,
      stats,
      ...(options.now ? { now: options.now } : {}),
    }),
    admission: {
      gate,
      readReported: readReportedLimits,
      noteLimitWait: async (jobId, until) => {
        await member.redis
          .multi()
          .zremrangebyscore(keys.limitWaiting, '-inf', Date.now())
          .zadd(keys.limitWaiting, until, jobId)
          .exec();
      },
    },
  });
  workerCreated(breakwater);
  const board = new BatchBoard(config.queue.name, bull.connection);
  const batches = new BatchCoordinator({
    store: batchStore,
    config,
    circuits,
    client: batchClients({ providers, secrets, ...(options.now ? { now: options.now } : {}) }),
    wake: async (jobId) => {
      const shard = await breakwater.locate(jobId);
      if (shard) await wakeBatchedJob(shard, jobId);
    },
    log: async (jobId, line) => {
      const shard = await breakwater.locate(jobId);
      if (shard) await Job.addJobLog(shard, jobId, line);
    },
    board,
    worker: options.workerId ?? workerId(),
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  batches.start();
  lift = () => breakwater.liftPause();
  logger.info(
    {
      queue: config.queue.name,
      concurrency: config.queue.concurrency,
      shards: config.queue.shards,
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
        await batches.close();
        await board.close();
        prober.close();
        await breakwater.close();
        await webhooks.close();
        await gate.close();
        await stats.close();
        member.leave();
        bull.close();
        circuits.shutdown();
        await simulator?.close();
        logger.info('worker stopped');
      })();
      return closing;
    },
  };
}
