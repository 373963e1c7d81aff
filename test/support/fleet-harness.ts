import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { batchQueueName } from '../../src/batch/batch-board.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import type { JobData } from '../../src/queue/job-input.js';
import { JobQueues } from '../../src/queue/job-queues.js';
import { enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { bullConnection } from '../../src/redis/redis-client.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';
import { type RunningProcess, startEntry } from './child-process.js';
import { tempDir } from './temp-dir.js';
import { redisUrl } from './worker-harness.js';

export interface FleetHarnessOptions {
  resetTimeoutMs?: number;
  volumeThreshold?: number;
  quorum?: number;
  concurrency?: number;
  /** Extra `queue` config keys (e.g. short lock and stalled settings for crash tests). */
  queue?: Record<string, unknown>;
  /** Extra environment for worker processes. */
  env?: Record<string, string>;
  /** Redis the queue and the workers use. @defaultValue the shared test Redis */
  redisUrl?: string;
  /** Changes the config document the workers load (limits, routes…). */
  document?: (document: Record<string, unknown>) => Record<string, unknown>;
}

/** Real worker processes (workers/worker.ts) sharing one Redis queue and one simulator in the test. */
export class FleetHarness {
  readonly simulator = new ProviderSimulator();
  readonly queueName = `test-${randomUUID()}`;
  readonly workers: RunningProcess[] = [];
  config!: BreakwaterConfig;
  /** The first shard of the queue (the whole queue with one shard). */
  queue!: Queue<JobData>;
  /** Every shard of the queue (`queue.shards`). */
  queues!: JobQueues;
  #bull: ReturnType<typeof bullConnection> | undefined;
  #file = '';

  constructor(private readonly options: FleetHarnessOptions = {}) {}

  get #redisUrl(): string {
    return this.options.redisUrl ?? redisUrl;
  }

  async start(): Promise<this> {
    const root = await this.simulator.start();
    const breaker = {
      volumeThreshold: this.options.volumeThreshold ?? 3,
      errorThresholdPercentage: 50,
      rollingWindowMs: 10_000,
      resetTimeoutMs: this.options.resetTimeoutMs ?? 1_000,
      quorum: this.options.quorum ?? 1,
    };
    const base = {
      providers: {
        primary: { type: 'simulated', wire: 'openai', baseURL: root, timeoutMs: 2_000, breaker },
        secondary: { type: 'simulated', wire: 'anthropic', baseURL: root, timeoutMs: 2_000, breaker },
      },
      routes: {
        default: [
          { provider: 'primary', model: 'gpt-4.1-mini' },
          { provider: 'secondary', model: 'claude-haiku-4-5' },
        ],
      },
      queue: {
        name: this.queueName,
        concurrency: this.options.concurrency ?? 2,
        attempts: 5,
        backoffMs: 100,
        ...this.options.queue,
      },
    };
    const document = this.options.document ? this.options.document(base) : base;
    this.config = validateConfig(document, 'test', {}).config;
    this.#file = join(tempDir('fleet'), 'breakwater.json');
    writeFileSync(this.#file, JSON.stringify(document));
    this.#bull = bullConnection(this.#redisUrl);
    this.queues = JobQueues.open(this.queueName, this.config.queue.shards, this.#bull.connection);
    this.queue = this.queues.first;
    await this.queues.waitUntilReady();
    return this;
  }

  /** Starts a worker process and resolves once it takes jobs. */
  async startWorker(): Promise<RunningProcess> {
    const worker = startEntry('workers/worker.ts', {
      REDIS_URL: this.#redisUrl,
      BREAKWATER_CONFIG: this.#file,
      LOG_LEVEL: 'info',
      BREAKWATER_SHUTDOWN_GRACE_MS: '1000',
      ...this.options.env,
    });
    this.workers.push(worker);
    // Generous: a worker process compiles its TypeScript on start, which is slow on a loaded machine.
    const deadline = Date.now() + 60_000;
    while (!worker.output().includes('"msg":"worker started"')) {
      if (Date.now() > deadline || worker.child.exitCode !== null) {
        throw new Error(`worker did not start:\n${worker.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return worker;
  }

  add(count: number, label: string, fields: Record<string, unknown> = {}) {
    return enqueueJobs(
      this.queues,
      this.config,
      Array.from({ length: count }, (_, i) => ({ prompt: `${label} ${i}`, ...fields })),
    );
  }

  async counts() {
    return this.queues.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized');
  }

  /** A worker's JSON log lines. */
  logs(worker: RunningProcess): Record<string, unknown>[] {
    return worker
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) worker.signalGroup('SIGKILL');
    await Promise.all(this.workers.map((worker) => worker.exited));
    for (const shard of this.queues.shards) await removeQueue(shard);
    await removeQueue(
      new Queue(batchQueueName(this.queueName), { connection: this.#bull?.connection ?? {} }),
    );
    this.#bull?.close();
    await this.simulator.close();
  }
}
