/**
 * `npm run demo`: a scripted story on the built-in provider simulator, narrated in the terminal.
 * Jobs flow on the primary, the primary fails and its breaker opens, jobs fall back to the secondary,
 * a total outage defers jobs (no attempt spent), both providers recover, every job completes.
 *
 *   REDIS_URL   Redis to use (default redis://127.0.0.1:6379, else a redis-server of its own started
 *               from the PATH, as `npm start` does); the demo uses a queue of its own and removes it
 *               at the end.
 *   DEMO_SPEED  1 (default) takes about half a minute; 10 runs the same story in a few seconds.
 *
 * Exits 0 when every job completed, 1 when a job failed or the story stalled, 2 on a bad DEMO_SPEED.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { validateConfig } from '../src/config/load-config.js';
import { Narrator } from '../src/demo/narrator.js';
import { demoConfigDocument, demoRoute, demoSettings, readSpeed } from '../src/demo/settings.js';
import { DemoStory } from '../src/demo/story.js';
import { collectSummary, formatSummary } from '../src/demo/summary.js';
import { createLogger } from '../src/logging/logger.js';
import { bullQueueNameOf } from '../src/queue/bullmq-internals.js';
import type { JobData } from '../src/queue/job-input.js';
import { removeQueue } from '../src/queue/remove-queue.js';
import { assertRedisReachable } from '../src/redis/check-redis.js';
import { bullConnection } from '../src/redis/redis-client.js';
import { developmentRedis } from '../src/runtime/development-redis.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';
import { ProviderSimulator } from '../src/simulator/simulator.js';
import type { JobResult } from '../src/worker/job-result.js';

const fail = (message: string, code: number): never => {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(code);
};

let speed = 1;
try {
  speed = readSpeed(process.env.DEMO_SPEED);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 2);
}
const settings = demoSettings(speed);
const narrator = new Narrator();
const redis = await developmentRedis({ announce: (message) => narrator.say(message) }).catch(
  (error: unknown) => fail(error instanceof Error ? error.message : String(error), 1),
);
const { url } = redis;
await assertRedisReachable(url).catch((error: unknown) =>
  fail(error instanceof Error ? error.message : String(error), 1),
);

const simulator = new ProviderSimulator();
const root = await simulator.start();
const queueName = `breakwater-demo-${randomUUID().slice(0, 8)}`;
const { config } = validateConfig(demoConfigDocument(root, queueName, settings), 'demo', {});
const bull = bullConnection(url);
const queue = new Queue<JobData, JobResult>(bullQueueNameOf(queueName), { connection: bull.connection });
// The runtime's JSON logs would drown the story: only errors get through, as plain lines on stderr.
const errorSink = new Writable({
  write(chunk, _encoding, callback) {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      const { msg } = JSON.parse(line) as { msg?: string };
      process.stderr.write(`demo: worker error: ${msg ?? line}\n`);
    }
    callback();
  },
});
const runtime = await startWorkerRuntime({
  loaded: { config, secrets: new Map(), source: 'demo' },
  redisUrl: url,
  logger: createLogger({ level: 'error', destination: errorSink }),
  closeGraceMs: 1_000,
  deferralJitterMs: settings.deferralJitterMs,
});
const providers = demoRoute.map((entry) => entry.provider);
for (const provider of providers) simulator.configure(provider, { latencyMs: settings.latencyMs });
const story = new DemoStory({
  narrator,
  settings,
  simulator,
  queue,
  config,
  circuits: runtime.circuits,
  breakwater: runtime.breakwater,
});

let cleaning: Promise<void> | undefined;
/** Stops the worker, removes the demo queue from Redis and stops the simulator. Idempotent. */
const cleanUp = () => {
  cleaning ??= (async () => {
    story.watch.stop();
    await runtime.close();
    await removeQueue(queue);
    bull.close();
    await simulator.close();
    await redis.close();
  })();
  return cleaning;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: npm forwards the signal a process group got, so a second copy may follow.
  process.on(signal, () => {
    if (cleaning) return;
    narrator.say(`${signal}: stopping the worker and removing queue ${queueName}`);
    cleanUp().then(
      () => process.exit(130),
      () => process.exit(1),
    );
  });
}

narrator.say(`Breakwater demo — queue ${queueName} on ${url}, DEMO_SPEED=${speed}`);
narrator.detail(
  `route "default": ${demoRoute.map((entry) => `${entry.provider} (${entry.model})`).join(' → ')}; ` +
    'one circuit breaker per provider',
);
narrator.detail(
  `a breaker opens when ≥50% of at least ${settings.volumeThreshold} recent calls failed, ` +
    `and admits one probe call after ${(settings.resetTimeoutMs / 1000).toFixed(1)}s`,
);
story.watch.startCounters(settings.counterPeriodMs, (line) => narrator.detail(line));

let exitCode = 1;
let stalled: string | undefined;
try {
  await story.tell();
} catch (error) {
  stalled = error instanceof Error ? error.message : String(error);
}
try {
  story.watch.stop();
  const summary = await collectSummary(queue, simulator, providers, story.enqueued, narrator.elapsedMs);
  narrator.plain();
  narrator.say(stalled ? 'the story did not finish — numbers so far:' : 'summary');
  for (const line of formatSummary(summary, speed)) narrator.plain(`  ${line}`);
  if (stalled) process.stderr.write(`demo: the story did not finish: ${stalled}\n`);
  else if (summary.failed > 0 || summary.completed !== summary.enqueued) {
    process.stderr.write(
      `demo: ${summary.failed} failed, ${summary.completed}/${summary.enqueued} completed\n`,
    );
  } else {
    exitCode = 0;
  }
} finally {
  await cleanUp();
}
process.exit(exitCode);
