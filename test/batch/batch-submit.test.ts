import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { batchClients } from '../../src/batch/batch-clients.js';
import { BatchCoordinator } from '../../src/batch/batch-coordinator.js';
import { BatchStore } from '../../src/batch/batch-store.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import { createLogger } from '../../src/logging/logger.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';
import { memoryCircuits } from '../support/memory-circuit.js';
import { redisUrl, WorkerHarness } from '../support/worker-harness.js';
import { withBatches } from './batch-support.js';

let harness: WorkerHarness;
let redis: Redis;
afterEach(async () => {
  redis.disconnect();
  await harness.stop();
});

/** A queue with three jobs collected for primary's batch, and the batch machinery without a worker. */
async function collected() {
  harness = await new WorkerHarness({ config: withBatches({ maxJobs: 3 }) }).start(false);
  redis = new Redis(redisUrl);
  const store = new BatchStore(redis, new BreakwaterKeys(queueKeyOf(harness.queueName)));
  const jobs = await Promise.all(
    [0, 1, 2].map((index) => harness.add({ prompt: `p${index}`, route: 'batched' })),
  );
  for (const job of jobs) {
    await store.join(
      String(job.id),
      { provider: 'primary', model: 'gpt-4.1-mini', index: 0, joinedAt: Date.now() },
      { prompt: 'x' },
      60_000,
    );
  }
  const client = batchClients({ providers: resolveProviders(harness.config.providers), secrets: new Map() });
  const coordinator = (worker: string) =>
    new BatchCoordinator({
      store,
      config: harness.config,
      circuits: memoryCircuits('primary'),
      client,
      wake: async () => undefined,
      worker,
      logger: createLogger({ level: 'silent' }),
    });
  return { store, jobs, client, coordinator };
}

describe('submitting a batch is crash-safe and idempotent', () => {
  it('a job joins a collection once: joining again after a crash finds its record', async () => {
    const { store, jobs } = await collected();
    const again = await store.join(
      String(jobs[0]?.id),
      { provider: 'primary', model: 'gpt-4.1-mini', index: 0, joinedAt: Date.now() },
      { prompt: 'x' },
      60_000,
    );
    expect(again).toBe('exists');
    expect((await store.collections())[0]?.count).toBe(3);
  });

  it('a batch claimed by a worker that died before creating it is created once by another', async () => {
    const { store, coordinator } = await collected();
    const id = await store.claim(
      { provider: 'primary', model: 'gpt-4.1-mini' },
      { maxJobs: 3, maxWaitMs: 60_000 },
      'dead',
      1,
      Date.now(),
    );
    expect(id).toBeDefined();
    // A second claim finds nothing left: no job is in two batches.
    expect(
      await store.claim(
        { provider: 'primary', model: 'gpt-4.1-mini' },
        { maxJobs: 1, maxWaitMs: 0 },
        'other',
        1,
        Date.now(),
      ),
    ).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await coordinator('alive').tick();
    expect(harness.simulator.batchesReceived()).toHaveLength(1);
    expect(await store.record(id ?? '')).toMatchObject({ status: 'in-progress', total: 3 });
  });

  it('a batch created by a worker that died before recording it is found again, not created twice', async () => {
    const { store, client, coordinator } = await collected();
    const id =
      (await store.claim(
        { provider: 'primary', model: 'gpt-4.1-mini' },
        { maxJobs: 3, maxWaitMs: 60_000 },
        'dead',
        1,
        Date.now(),
      )) ?? '';
    // The dead worker's last act: it created the provider batch, and died before writing its id.
    await store.submitAttempt(id);
    const items = [...(await store.items(id)).keys()].map((jobId) => ({
      customId: jobId,
      request: { prompt: 'x' },
    }));
    const created = await client('primary').submit(id, 'gpt-4.1-mini', items);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await coordinator('alive').tick();
    expect(harness.simulator.batchesReceived().map((batch) => batch.id)).toEqual([created]);
    expect(await store.record(id)).toMatchObject({ status: 'in-progress', providerBatchId: created });
  });

  it('a live lease keeps other workers off a batch being submitted', async () => {
    const { store, coordinator } = await collected();
    await store.claim(
      { provider: 'primary', model: 'gpt-4.1-mini' },
      { maxJobs: 3, maxWaitMs: 60_000 },
      'busy',
      60_000,
      Date.now(),
    );
    await coordinator('alive').tick();
    expect(harness.simulator.batchesReceived()).toEqual([]);
  });
});

describe('a chain with two batch entries', () => {
  it('a job whose first batch entry failed joins the second one', async () => {
    const { store, jobs } = await collected();
    const jobId = String(jobs[0]?.id);
    await store.setOutcome(jobId, {
      kind: 'failed',
      attempt: {
        provider: 'primary',
        model: 'gpt-4.1-mini',
        outcome: 'retryable',
        at: new Date().toISOString(),
        durationMs: 0,
      },
    });
    const state = { provider: 'secondary', model: 'claude-haiku-4-5', index: 1, joinedAt: Date.now() };
    expect(await store.join(jobId, state, { prompt: 'x' }, 60_000)).toBe('joined');
    expect(await store.jobState(jobId)).toEqual(state);
    // Joining the same entry again (a re-run after a crash) finds it.
    expect(await store.join(jobId, state, { prompt: 'x' }, 60_000)).toBe('exists');
  });
});
