import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { batchClients } from '../../src/batch/batch-clients.js';
import { BatchCoordinator } from '../../src/batch/batch-coordinator.js';
import { customIdOf } from '../../src/batch/batch-policy.js';
import { BatchStore } from '../../src/batch/batch-store.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import { createLogger } from '../../src/logging/logger.js';
import { wireCustomId } from '../../src/providers/batch/anthropic-batch-search.js';
import type { BatchClient } from '../../src/providers/batch/batch-client.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';
import { memoryCircuits } from '../support/memory-circuit.js';
import { redisUrl, WorkerHarness } from '../support/worker-harness.js';
import { completedAll } from './batch-support.js';

let harness: WorkerHarness;
let redis: Redis;
afterEach(async () => {
  redis.disconnect();
  await harness.stop();
});

const provider = 'secondary';
const model = 'claude-haiku-4-5';
const pollIntervalMs = 100;

/**
 * Three jobs collected for `secondary`'s batch (Anthropic's wire), and coordinators driving them
 * without a worker: `dying` is one whose process dies at the crash point `submit` lets it reach.
 */
async function collected() {
  harness = await new WorkerHarness({
    config: (base) => {
      const providers = base.providers as Record<string, Record<string, unknown>>;
      return {
        ...base,
        providers: {
          ...providers,
          [provider]: { ...providers[provider], batch: { maxJobs: 3, maxWaitMs: 60_000, pollIntervalMs } },
        },
        routes: {
          ...(base.routes as object),
          anthropicBatched: [
            { provider, model, batch: true },
            { provider, model },
          ],
        },
      };
    },
  }).start(false);
  redis = new Redis(redisUrl);
  const store = new BatchStore(redis, new BreakwaterKeys(queueKeyOf(harness.queueName)));
  const jobs = await Promise.all(
    [0, 1, 2].map((index) => harness.add({ prompt: `anthropic ${index}`, route: 'anthropicBatched' })),
  );
  const jobIds = jobs.map((job) => String(job.id));
  for (const jobId of jobIds) {
    await store.join(jobId, { provider, model, index: 0, joinedAt: Date.now() }, { prompt: 'x' }, 60_000);
  }
  const client = batchClients({ providers: resolveProviders(harness.config.providers), secrets: new Map() });
  const coordinator = (worker: string, clientOf: (name: string) => BatchClient = client) =>
    new BatchCoordinator({
      store,
      config: harness.config,
      circuits: memoryCircuits(provider),
      client: clientOf,
      wake: async () => undefined,
      worker,
      logger: createLogger({ level: 'silent' }),
    });
  /**
   * A worker killed inside `submit`: after Anthropic created the batch (`created`), or before
   * (`not-created`). Its step never returns and it never writes again, like a SIGKILLed process.
   */
  const dying = (point: 'created' | 'not-created') =>
    new Promise<void>((reached) => {
      void coordinator('dying', (name) => ({
        ...client(name),
        async submit(tag, batchModel, items) {
          if (point === 'created') await client(name).submit(tag, batchModel, items);
          reached();
          return new Promise<string>(() => undefined);
        },
      })).tick();
    });
  return { store, jobIds, coordinator, dying };
}

/** Another client of the same Anthropic workspace creates a batch of three requests of its own. */
async function unrelatedBatch(customIds: readonly string[]): Promise<string> {
  const response = await fetch(`${harness.simulator.baseURL(provider, 'anthropic')}/messages/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      requests: customIds.map((custom_id) => ({
        custom_id,
        params: { model, max_tokens: 50, messages: [{ role: 'user', content: 'not a Breakwater job' }] },
      })),
    }),
  });
  return ((await response.json()) as { id: string }).id;
}

/** The batch the dead worker claimed; its lease runs out. */
async function leaseRunsOut(store: BatchStore): Promise<string> {
  const [id = '', ...others] = await store.openBatches();
  expect(others).toEqual([]);
  // The lease of a dead worker runs out (4 × timeoutMs + 5 s): here at once.
  await redis.del(store.keys.batchLease(id));
  return id;
}

/** Ticks the live coordinator once more after a poll interval. */
async function tickAfterPoll(live: BatchCoordinator): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, pollIntervalMs + 20));
  await live.tick();
}

/** How many provider batches each job was sent in (as its batch names it), from the simulator's record. */
function jobsInBatches(batchId: string, jobIds: readonly string[]): number[] {
  const received = harness.simulator.batchesReceived().filter((batch) => batch.provider === provider);
  return jobIds.map((jobId) => {
    const sent = wireCustomId(batchId, customIdOf(jobId));
    return received.filter((batch) => batch.customIds.includes(sent)).length;
  });
}

describe('an Anthropic batch created by a worker killed before recording its id', () => {
  it('is found again once it ends — even beside a newer unrelated batch of the same size — never sent twice', async () => {
    const { store, jobIds, coordinator, dying } = await collected();
    harness.simulator.configureBatches(provider, { turnaroundMs: 60_000 });
    await dying('created');
    // Anthropic created it; the id never reached Redis.
    const id = await leaseRunsOut(store);
    const [created] = harness.simulator.batchesReceived();
    expect(await store.record(id)).toMatchObject({ status: 'submitting' });
    expect((await store.record(id))?.providerBatchId).toBeUndefined();
    // Another client creates a batch of as many requests, named like our jobs, after ours.
    const unrelated = await unrelatedBatch(jobIds);

    const live = coordinator('live');
    await live.tick();
    // Both still run: either may be ours, so nothing is submitted and nothing adopted yet.
    expect(harness.simulator.batchesReceived()).toHaveLength(2);
    expect(await store.record(id)).toMatchObject({ status: 'submitting' });
    await tickAfterPoll(live);
    expect(harness.simulator.batchesReceived()).toHaveLength(2);

    // Both end: ours is told apart by its results' custom ids.
    harness.simulator.configureBatches(provider, { turnaroundMs: 0 });
    await tickAfterPoll(live);
    expect(await store.record(id)).toMatchObject({ status: 'in-progress', providerBatchId: created?.id });
    await tickAfterPoll(live);
    expect(await store.record(id)).toMatchObject({ status: 'ended', succeeded: 3 });
    for (const jobId of jobIds) {
      expect((await store.jobState(jobId))?.outcome).toMatchObject({ kind: 'ok', batchId: id });
    }
    const received = harness.simulator.batchesReceived();
    expect(received.map((batch) => batch.id)).toEqual([created?.id, unrelated]);
    expect(jobsInBatches(id, jobIds)).toEqual([1, 1, 1]);
    // A worker runs the jobs: each completes with its item's answer from the adopted batch.
    await harness.startWorker();
    const results = await completedAll(harness, jobIds);
    expect(results.map((result) => [result.provider, result.batch?.id])).toEqual(
      jobIds.map(() => [provider, id]),
    );
    expect(harness.simulator.stats(provider).calls).toBe(0);
  });

  it('a worker killed before Anthropic created it: an unrelated batch of the same size is waited out, not adopted', async () => {
    const { store, jobIds, coordinator, dying } = await collected();
    harness.simulator.configureBatches(provider, { turnaroundMs: 60_000 });
    await dying('not-created');
    const unrelated = await unrelatedBatch(jobIds);
    const id = await leaseRunsOut(store);

    const live = coordinator('live');
    await live.tick();
    // The running batch may be ours as far as the list shows: no second submit while it runs.
    expect(harness.simulator.batchesReceived().map((batch) => batch.id)).toEqual([unrelated]);
    expect(await store.record(id)).toMatchObject({ status: 'submitting' });

    harness.simulator.configureBatches(provider, { turnaroundMs: 0 });
    await tickAfterPoll(live);
    const received = harness.simulator.batchesReceived();
    expect(received).toHaveLength(2);
    const ours = received[1];
    expect(ours?.id).not.toBe(unrelated);
    expect(await store.record(id)).toMatchObject({ status: 'in-progress', providerBatchId: ours?.id });
    await tickAfterPoll(live);
    expect(await store.record(id)).toMatchObject({ status: 'ended', succeeded: 3 });
    for (const jobId of jobIds) {
      expect((await store.jobState(jobId))?.outcome).toMatchObject({ kind: 'ok', batchId: id });
    }
    expect(jobsInBatches(id, jobIds)).toEqual([1, 1, 1]);
    await harness.startWorker();
    const results = await completedAll(harness, jobIds);
    expect(results.map((result) => result.batch?.id)).toEqual(jobIds.map(() => id));
    expect(harness.simulator.stats(provider).calls).toBe(0);
  });
});

describe('the lease a submit creates its batch under', () => {
  it('is renewed for the whole call only while this worker still holds it', async () => {
    const { store } = await collected();
    const id =
      (await store.claim(
        { provider, model },
        { maxJobs: 3, maxWaitMs: 60_000 },
        'slow',
        1_000,
        Date.now(),
      )) ?? '';
    expect(await store.renew(id, 'other', 60_000)).toBe(false);
    expect(await store.renew(id, 'slow', 60_000)).toBe(true);
    expect(await redis.pttl(store.keys.batchLease(id))).toBeGreaterThan(1_000);
    // Its lease ran out while it looked for the batch: it must not create one now.
    await redis.del(store.keys.batchLease(id));
    expect(await store.renew(id, 'slow', 60_000)).toBe(false);
  });
});
