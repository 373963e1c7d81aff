import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';
import { completedAll, listCost, withBatches } from './batch-support.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

describe('a batch entry at the head of the chain', () => {
  it('collects jobs into provider batches of maxJobs and completes each at half the list price', async () => {
    // maxWaitMs far above the time adding 10 jobs takes, so only full batches go out.
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 5, maxWaitMs: 60_000 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 300 });
    const jobs = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        harness.add({ prompt: `batch item ${index}`, route: 'batched' }),
      ),
    );
    const ids = jobs.map((job) => String(job.id));
    const results = await completedAll(harness, ids);

    const received = harness.simulator.batchesReceived();
    expect(received).toHaveLength(2);
    expect(received.flatMap((batch) => batch.customIds).sort()).toEqual([...ids].sort());
    expect(harness.simulator.stats('primary').calls).toBe(0);
    for (const [index, result] of results.entries()) {
      expect(result.text).toContain(`batch item ${index}`);
      expect(result.batch?.id).toMatch(/^bat_/);
      expect(result.fallbackUsed).toBe(false);
      expect(result.costUsd).toBeCloseTo(listCost(result.usage) / 2, 12);
    }
  });
});

describe('what a batch cannot serve goes on down the chain', () => {
  it('5 % item errors: those jobs complete through the next (synchronous) entry; the rest from the batch', async () => {
    // One batch of all 100 (never split by the wait timer on a loaded machine): 5 % of it errors.
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 100, maxWaitMs: 60_000 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 100, itemErrorRate: 0.05 });
    const jobs = await Promise.all(
      Array.from({ length: 100 }, (_, index) => harness.add({ prompt: `mixed ${index}`, route: 'batched' })),
    );
    const results = await completedAll(
      harness,
      jobs.map((job) => String(job.id)),
    );
    expect(harness.simulator.batchesReceived().map((batch) => batch.customIds.length)).toEqual([100]);
    const fromBatch = results.filter((result) => result.batch !== undefined);
    const fallen = results.filter((result) => result.batch === undefined);
    expect(fallen).toHaveLength(5);
    expect(fromBatch).toHaveLength(95);
    // Each errored item is one synchronous call, and nothing else called synchronously.
    expect(harness.simulator.stats('primary').calls).toBe(5);
    for (const result of fallen) {
      expect(result.attempts).toEqual([
        expect.objectContaining({ provider: 'primary', outcome: 'retryable', status: 500 }),
        expect.objectContaining({ provider: 'primary', outcome: 'ok' }),
      ]);
      expect(result.costUsd).toBeCloseTo(listCost(result.usage), 12);
    }
    for (const result of fromBatch) expect(result.costUsd).toBeCloseTo(listCost(result.usage) / 2, 12);
  });

  it('an expired batch: every job completes through the next entry', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 6, maxWaitMs: 60_000 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 100, ending: 'expire' });
    const jobs = await Promise.all(
      Array.from({ length: 6 }, (_, index) => harness.add({ prompt: `late ${index}`, route: 'batched' })),
    );
    const results = await completedAll(
      harness,
      jobs.map((job) => String(job.id)),
    );
    expect(results.every((result) => result.batch === undefined && result.fallbackUsed)).toBe(true);
    expect(results[0]?.attempts[0]).toMatchObject({ outcome: 'retryable', errorClass: 'batch-expired' });
    expect(harness.simulator.stats('primary').calls).toBe(6);
    expect(harness.simulator.batchesReceived()).toEqual([expect.objectContaining({ state: 'expired' })]);
  });

  it('a batch the provider fails as a whole: its jobs go to the next entry', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 4 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 50, ending: 'fail' });
    const jobs = await Promise.all(
      Array.from({ length: 4 }, (_, index) => harness.add({ prompt: `doomed ${index}`, route: 'batched' })),
    );
    const results = await completedAll(
      harness,
      jobs.map((job) => String(job.id)),
    );
    expect(results.every((result) => result.attempts[0]?.errorClass === 'batch-failed')).toBe(true);
    expect(harness.simulator.stats('primary').calls).toBe(4);
  });

  it('a job whose deadline is sooner than the window skips the batch entry; one with no deadline uses it', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 1, windowMs: 3_600_000 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 50 });
    const soon = await harness.add({
      prompt: 'urgent',
      route: 'batched',
      deadline: new Date(Date.now() + 600_000).toISOString(),
    });
    const later = await harness.add({ prompt: 'whenever', route: 'batched' });
    const [urgent, whenever] = await completedAll(harness, [String(soon.id), String(later.id)]);
    expect(urgent?.batch).toBeUndefined();
    expect(urgent?.attempts).toEqual([expect.objectContaining({ outcome: 'ok' })]);
    expect(whenever?.batch?.id).toMatch(/^bat_/);
    expect(harness.simulator.batchesReceived().flatMap((batch) => batch.customIds)).toEqual([
      String(later.id),
    ]);
  });
});

describe('jobs batches cannot carry', () => {
  it('a structured-output job passes over the batch entry and is served by the ordinary one', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 1 }) }).start();
    const schema = {
      type: 'object',
      properties: { label: { type: 'string' } },
      required: ['label'],
      additionalProperties: false,
    };
    const job = await harness.add({ prompt: 'classify', route: 'batched', output: { schema } });
    const [result] = await completedAll(harness, [String(job.id)]);
    expect(result?.batch).toBeUndefined();
    expect(result?.attempts).toEqual([expect.objectContaining({ provider: 'primary', outcome: 'ok' })]);
    expect(harness.simulator.batchesReceived()).toEqual([]);
  });
});

describe('the batch endpoint down', () => {
  it('down while a batch runs: polling waits, and the jobs complete from the batch once it is back', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 3, pollIntervalMs: 100 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 200 });
    const jobs = await Promise.all(
      Array.from({ length: 3 }, (_, index) => harness.add({ prompt: `patient ${index}`, route: 'batched' })),
    );
    while (harness.simulator.batchesReceived().length === 0)
      await new Promise((resolve) => setTimeout(resolve, 20));
    harness.simulator.configureBatches('primary', { downStatus: 500 });
    await expect
      .poll(
        () => harness.logLines.filter((line) => String(line.msg).startsWith('batch status not read')).length,
        { timeout: 10_000 },
      )
      .toBeGreaterThan(1);
    expect(await harness.queue.getJobCounts('completed')).toEqual({ completed: 0 });
    harness.simulator.configureBatches('primary', { downStatus: null });
    const results = await completedAll(
      harness,
      jobs.map((job) => String(job.id)),
    );
    expect(results.every((result) => result.batch !== undefined)).toBe(true);
    expect(harness.simulator.stats('primary').calls).toBe(0);
  });
  it('counts against the provider breaker; jobs fall back to the next provider', async () => {
    harness = await new WorkerHarness({
      config: withBatches(
        { maxJobs: 3 },
        {
          routes: {
            default: [{ provider: 'secondary', model: 'claude-haiku-4-5' }],
            batched: [
              { provider: 'primary', model: 'gpt-4.1-mini', batch: true },
              { provider: 'secondary', model: 'claude-haiku-4-5' },
            ],
          },
        },
      ),
    }).start();
    harness.simulator.configureBatches('primary', { downStatus: 503 });
    const jobs = await Promise.all(
      Array.from({ length: 6 }, (_, index) => harness.add({ prompt: `down ${index}`, route: 'batched' })),
    );
    const results = await completedAll(
      harness,
      jobs.map((job) => String(job.id)),
    );
    expect(results.every((result) => result.provider === 'secondary' && result.batch === undefined)).toBe(
      true,
    );
    expect(results[0]?.attempts[0]).toMatchObject({ provider: 'primary', outcome: 'retryable', status: 503 });
    // Two failed submissions reach the volume threshold (2): the breaker opened on them.
    expect(harness.circuits.get('primary').availability().kind).not.toBe('closed');
    expect(harness.simulator.batchesReceived()).toEqual([]);
  });

  it('with the rest of the chain open too, the jobs are deferred, then complete once the provider heals', async () => {
    harness = await new WorkerHarness({ config: withBatches({ maxJobs: 3 }) }).start();
    harness.simulator.configureBatches('primary', { downStatus: 503 });
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    const jobs = await Promise.all(
      Array.from({ length: 3 }, (_, index) => harness.add({ prompt: `stuck ${index}`, route: 'batched' })),
    );
    const ids = jobs.map((job) => String(job.id));
    await expect
      .poll(async () => Promise.all(ids.map(async (id) => (await harness.job(id)).progress)), {
        timeout: 15_000,
      })
      .toEqual(
        ids.map(() =>
          expect.objectContaining({ deferrals: expect.any(Number), deferredUntil: expect.any(Number) }),
        ),
      );
    const failed = await harness.queue.getJobCounts('failed');
    expect(failed.failed).toBe(0);

    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    harness.simulator.configureBatches('primary', { downStatus: null });
    const results = await completedAll(harness, ids);
    // The batch entry was spent on the failed submission; the synchronous entry served them.
    expect(results.every((result) => result.batch === undefined && result.provider === 'primary')).toBe(true);
  });
});

describe.each([
  { provider: 'primary', wire: 'openai', model: 'gpt-4.1-mini', price: [0.4, 1.6] },
  { provider: 'secondary', wire: 'anthropic', model: 'claude-haiku-4-5', price: [1.0, 5.0] },
  { provider: 'tertiary', wire: 'google', model: 'gemini-2.5-flash', price: [0.3, 2.5] },
])('the $wire batch wire format end to end', ({ provider, wire, model, price }) => {
  it('jobs on its batch entry complete from one provider batch at half the list price', async () => {
    harness = await new WorkerHarness({
      config: (base) => {
        const providers = base.providers as Record<string, Record<string, unknown>>;
        return {
          ...base,
          providers: {
            ...providers,
            [provider]: { ...providers[provider], batch: { maxJobs: 4, pollIntervalMs: 100 } },
          },
          routes: {
            ...(base.routes as object),
            wire: [
              { provider, model, batch: true },
              { provider, model },
            ],
          },
        };
      },
    }).start();
    harness.simulator.configureBatches(provider, { turnaroundMs: 100 });
    const jobs = await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        harness.add({ prompt: `${wire} ${index}`, route: 'wire', maxTokens: 300 }),
      ),
    );
    const results = await completedAll(
      harness,
      jobs.map((job) => String(job.id)),
    );
    expect(harness.simulator.batchesReceived()).toEqual([
      expect.objectContaining({ provider, wire, state: 'ended' }),
    ]);
    expect(harness.simulator.stats(provider).calls).toBe(0);
    for (const [index, result] of results.entries()) {
      expect(result).toMatchObject({
        provider,
        model,
        fallbackUsed: false,
        batch: { id: expect.stringMatching(/^bat_/) },
      });
      expect(result.text).toContain(`${wire} ${index}`);
      const list =
        ((result.usage.inputTokens ?? 0) * price[0] + (result.usage.outputTokens ?? 0) * price[1]) / 1e6;
      expect(result.costUsd).toBeCloseTo(list / 2, 12);
    }
  });
});
