import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Job, Queue } from 'bullmq';
import type { WindowOf } from '../../src/admission/budget-window.js';
import { batchQueueName } from '../../src/batch/batch-board.js';
import { type LoadedConfig, validateConfig } from '../../src/config/load-config.js';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { Secret } from '../../src/logging/secret.js';
import type { JobData } from '../../src/queue/job-input.js';
import { JobQueues } from '../../src/queue/job-queues.js';
import { enqueueJob } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { redisUrl as defaultRedisUrl } from '../../src/redis/connection.js';
import { bullConnection } from '../../src/redis/redis-client.js';
import type { CircuitRegistry } from '../../src/resilience/circuit-registry.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/runtime/worker-runtime.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';
import type { BreakwaterWorker } from '../../src/worker/create-worker.js';
import type { JobResult } from '../../src/worker/job-result.js';

export const redisUrl = defaultRedisUrl();

/**
 * A harness `config` that gives every provider's breaker this open period: for tests that need an
 * outage to last until they end it, whatever the machine's speed.
 */
export function withResetTimeout(resetTimeoutMs: number) {
  return (base: Record<string, unknown>): Record<string, unknown> => {
    const providers = base.providers as Record<string, Record<string, unknown>>;
    return {
      ...base,
      providers: Object.fromEntries(
        Object.entries(providers).map(([name, provider]) => [
          name,
          { ...provider, breaker: { ...(provider.breaker as object), resetTimeoutMs } },
        ]),
      ),
    };
  };
}

export interface HarnessOptions {
  /** Extra config merged over the test default (three simulated providers, fast breakers). */
  config?: (base: Record<string, unknown>) => Record<string, unknown>;
  now?: () => number;
  /** The budget windows the workers count spend in. */
  budgetWindow?: WindowOf;
  deferralJitterMs?: number;
  url?: string;
  /** BREAKWATER_WEBHOOK_SECRET for the worker (and the API): webhooks are sent only with one. */
  webhookSecret?: string;
}

/** The config as loaded from a file: the config, no provider keys, the webhook secret if any. */
export function loadedFor(config: BreakwaterConfig, options: HarnessOptions): LoadedConfig {
  return {
    config,
    secrets: new Map(),
    source: 'test',
    ...(options.webhookSecret ? { webhookSecret: new Secret(options.webhookSecret) } : {}),
  };
}

/** A log destination that parses each JSON line a logger writes and appends it to `lines`. */
export function jsonLinesInto(lines: Record<string, unknown>[]): Writable {
  return new Writable({
    write: (chunk, _encoding, callback) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
}

/** A real simulator, a real queue in Redis (its own random name) and a real Breakwater worker. */
export class WorkerHarness {
  readonly simulator = new ProviderSimulator();
  readonly logLines: Record<string, unknown>[] = [];
  config!: BreakwaterConfig;
  /** The first shard of the queue (the whole queue with one shard). */
  queue!: Queue<JobData, JobResult>;
  /** Every shard of the queue (`queue.shards`). */
  queues!: JobQueues<JobResult>;
  #bull: ReturnType<typeof bullConnection> | undefined;
  readonly #runtimes: WorkerRuntime[] = [];
  readonly queueName = `test-${randomUUID()}`;

  constructor(private readonly options: HarnessOptions = {}) {}

  async start(startWorker = true): Promise<this> {
    const root = await this.simulator.start();
    const simulated = (extra: Record<string, unknown> = {}) => ({
      type: 'simulated',
      baseURL: root,
      // Generous: a simulated call on a loaded machine can take over 0.5 s, and a timeout turned a
      // rejection or a success into a retry. Tests of timeouts set their own.
      timeoutMs: 5_000,
      breaker: {
        volumeThreshold: 2,
        errorThresholdPercentage: 50,
        rollingWindowMs: 10_000,
        resetTimeoutMs: 600,
      },
      ...extra,
    });
    const base: Record<string, unknown> = {
      providers: {
        primary: simulated({ wire: 'openai' }),
        secondary: simulated({ wire: 'anthropic' }),
        tertiary: simulated({ wire: 'google' }),
      },
      routes: {
        default: [
          { provider: 'primary', model: 'gpt-4.1-mini' },
          { provider: 'secondary', model: 'claude-haiku-4-5' },
        ],
        solo: [{ provider: 'tertiary', model: 'gemini-2.5-flash' }],
      },
      queue: { name: this.queueName, concurrency: 10, attempts: 3, backoffMs: 100 },
    };
    const env = this.options.webhookSecret ? { BREAKWATER_WEBHOOK_SECRET: this.options.webhookSecret } : {};
    this.config = validateConfig(this.options.config ? this.options.config(base) : base, 'test', env).config;
    this.#bull = bullConnection(this.options.url ?? redisUrl);
    this.queues = JobQueues.open(this.queueName, this.config.queue.shards, this.#bull.connection);
    this.queue = this.queues.first;
    await this.queues.waitUntilReady();
    if (startWorker) await this.startWorker();
    return this;
  }

  /** Starts a worker through the same wiring a worker process uses, logging into `logLines`. */
  async startWorker(config: BreakwaterConfig = this.config): Promise<WorkerRuntime> {
    const runtime = await startWorkerRuntime({
      loaded: loadedFor(config, this.options),
      redisUrl: this.options.url ?? redisUrl,
      logger: createLogger({ level: 'debug', destination: jsonLinesInto(this.logLines) }),
      deferralJitterMs: this.options.deferralJitterMs ?? 50,
      closeGraceMs: 2_000,
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.budgetWindow ? { budgetWindow: this.options.budgetWindow } : {}),
    });
    this.#runtimes.push(runtime);
    return runtime;
  }

  /** Calls `listener` with the id of every job a worker started so far completes (each run). */
  onCompleted(listener: (id: string) => void): void {
    for (const runtime of this.#runtimes) {
      for (const worker of runtime.breakwater.workers)
        worker.on('completed', (job) => listener(String(job.id)));
    }
  }

  /** The most recently started worker. */
  get runtime(): WorkerRuntime {
    const runtime = this.#runtimes.at(-1);
    if (!runtime) throw new Error('no worker started');
    return runtime;
  }

  get breakwater(): BreakwaterWorker {
    return this.runtime.breakwater;
  }

  get circuits(): CircuitRegistry {
    return this.runtime.circuits;
  }

  /** Enqueues through the real producer (validation, options, idempotency). */
  add(input: Record<string, unknown>): Promise<Job<JobData, JobResult>> {
    return enqueueJob(this.queues, this.config, input) as Promise<Job<JobData, JobResult>>;
  }

  async job(id: string): Promise<Job<JobData, JobResult>> {
    const job = await this.queues.getJob(id);
    if (!job) throw new Error(`job ${id} not found`);
    return job;
  }

  async states(ids: string[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await this.job(id)).getState()));
  }

  async stop(): Promise<void> {
    for (const runtime of this.#runtimes) await runtime.close();
    for (const shard of this.queues?.shards ?? []) await removeQueue(shard);
    // The provider batches' queue, shown in Bull Board, lives beside the job queue.
    await removeQueue(
      new Queue(batchQueueName(this.queueName), { connection: this.#bull?.connection ?? {} }),
    );
    this.#bull?.close();
    await this.simulator.close();
  }
}
