import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { redisUrl, WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

describe('a job added with plain BullMQ and no options', () => {
  it("is retried with Breakwater's attempts and backoff instead of failing at its first failed run", async () => {
    harness = await new WorkerHarness({
      // The breaker never opens here: every failure is an ordinary retry, not a deferral.
      config: (base) => {
        const providers = base.providers as Record<string, Record<string, unknown>>;
        const lenient = {
          volumeThreshold: 1_000,
          errorThresholdPercentage: 100,
          rollingWindowMs: 10_000,
          resetTimeoutMs: 600,
        };
        return {
          ...base,
          providers: Object.fromEntries(
            Object.entries(providers).map(([name, p]) => [name, { ...p, breaker: lenient }]),
          ),
        };
      },
    }).start();
    harness.simulator.configure('tertiary', { mode: { kind: 'down', status: 503 } });
    // Plain BullMQ, as a producer that never heard of Breakwater's options would write it.
    const plain = new Queue(bullQueueNameOf(harness.queueName), { connection: connectionOptions(redisUrl) });
    const job = await plain.add('anything', { prompt: 'added by hand', route: 'solo' });
    await plain.close();
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 15_000 })
      .toBe('failed');
    const failed = await harness.job(job.id!);
    // The config's attempts (3), each a real call: without adoption BullMQ fails it after one.
    expect(failed.attemptsMade).toBe(harness.config.queue.attempts);
    expect(harness.simulator.stats('tertiary').calls).toBe(harness.config.queue.attempts);
    expect(failed.failedReason).toMatch(/^every call failed: tertiary\/gemini-2\.5-flash: retryable/);
  });
});
