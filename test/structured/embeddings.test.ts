import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddingJobResult } from '../../src/contract/job.js';
import { readProgress } from '../../src/queue/deferral.js';
import { WorkerHarness, withResetTimeout } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

/** The harness's providers, with a route of embedding models: OpenAI first, Gemini second. */
const withEmbedRoute = (base: Record<string, unknown>) => ({
  ...base,
  routes: {
    ...(base.routes as object),
    embed: [
      { provider: 'primary', model: 'text-embedding-3-small' },
      { provider: 'tertiary', model: 'gemini-embedding-001' },
    ],
  },
});

async function finished(h: WorkerHarness, ids: string[]) {
  await expect
    .poll(async () => (await h.states(ids)).every((state) => state === 'completed' || state === 'failed'), {
      timeout: 15_000,
      interval: 50,
    })
    .toBe(true);
  return Promise.all(ids.map((id) => h.job(id)));
}

const corpus = Array.from({ length: 100 }, (_, index) => `harbour log entry ${index}: the tide turned`);
const norm = (vector: number[]) => Math.hypot(...vector);

describe('embedding jobs', () => {
  it('100 strings come back as 100 vectors of the configured dimension, priced by the table', async () => {
    harness = await new WorkerHarness({ config: withEmbedRoute }).start();
    harness.simulator.configure('primary', { embeddingDimensions: 64 });
    const job = await harness.add({ kind: 'embed', route: 'embed', input: corpus });
    const [done] = await finished(harness, [job.id!]);
    expect(await done?.getState()).toBe('completed');
    const result = done!.returnvalue as EmbeddingJobResult;
    expect(result).toMatchObject({
      provider: 'primary',
      model: 'text-embedding-3-small',
      fallbackUsed: false,
    });
    expect(result.embeddings).toHaveLength(100);
    expect(result.embeddings.every((vector) => vector.length === 64)).toBe(true);
    expect(Math.abs(norm(result.embeddings[0]!) - 1)).toBeLessThan(1e-3);
    // Deterministic: the same text gives the same vector, different texts different ones.
    expect(result.embeddings[0]).not.toEqual(result.embeddings[1]);
    const again = await harness.add({ kind: 'embed', route: 'embed', input: corpus[0]! });
    const [second] = await finished(harness, [again.id!]);
    expect((second!.returnvalue as EmbeddingJobResult).embeddings).toEqual([result.embeddings[0]]);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(0);
    expect(result.costUsd).toBeCloseTo(((result.usage.inputTokens ?? 0) * 0.02) / 1e6, 12);
    const call = harness.simulator.stats('primary').recent[0];
    expect(call?.path).toMatch(/\/primary\/v1\/embeddings$/);
    expect(call?.headers['x-breakwater-job-id']).toBe(job.id);
  });

  it('with the primary down, the Gemini fallback serves through batchEmbedContents', async () => {
    harness = await new WorkerHarness({ config: withEmbedRoute }).start();
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    harness.simulator.configure('tertiary', { embeddingDimensions: 32 });
    const job = await harness.add({ kind: 'embed', route: 'embed', input: corpus });
    const [done] = await finished(harness, [job.id!]);
    const result = done!.returnvalue as EmbeddingJobResult;
    expect(result).toMatchObject({ provider: 'tertiary', model: 'gemini-embedding-001', fallbackUsed: true });
    expect(result.embeddings).toHaveLength(100);
    expect(result.embeddings.every((vector) => vector.length === 32)).toBe(true);
    expect(result.attempts[0]).toMatchObject({ provider: 'primary', outcome: 'retryable', status: 503 });
    // Gemini reports no token count: unknown, so unpriced rather than guessed.
    expect(result.usage.inputTokens).toBeNull();
    expect(result.costUsd).toBeNull();
    expect(harness.simulator.stats('tertiary').recent[0]?.path).toMatch(/:batchEmbedContents$/);
  });

  it('one string on Gemini goes through embedContent', async () => {
    harness = await new WorkerHarness({ config: withEmbedRoute }).start();
    harness.simulator.configure('tertiary', { embeddingDimensions: 16 });
    const job = await harness.add({
      kind: 'embed',
      chain: [{ provider: 'tertiary', model: 'gemini-embedding-001' }],
      input: 'one line',
    });
    const [done] = await finished(harness, [job.id!]);
    expect((done!.returnvalue as EmbeddingJobResult).embeddings).toEqual([expect.any(Array)]);
    expect((done!.returnvalue as EmbeddingJobResult).embeddings[0]).toHaveLength(16);
    expect(harness.simulator.stats('tertiary').recent[0]?.path).toMatch(/:embedContent$/);
  });

  it('with every embedding provider open, the job is deferred (no attempt spent), then completes when one heals', async () => {
    harness = await new WorkerHarness({
      config: (base) => withResetTimeout(3_000)(withEmbedRoute(base)),
    }).start();
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    harness.simulator.configure('tertiary', { mode: { kind: 'down', status: 503 } });
    // Trip both breakers (volume threshold 2): each run calls both entries.
    const trips = await Promise.all(
      [0, 1].map((index) => harness.add({ kind: 'embed', route: 'embed', input: `trip ${index}` })),
    );
    await expect
      .poll(
        () =>
          ['primary', 'tertiary'].every((name) => harness.circuits.get(name).availability().kind === 'open'),
        { timeout: 10_000, interval: 50 },
      )
      .toBe(true);
    const job = await harness.add({ kind: 'embed', route: 'embed', input: corpus.slice(0, 10) });
    await expect
      .poll(async () => readProgress((await harness.job(job.id!)).progress).deferrals, {
        timeout: 10_000,
        interval: 50,
      })
      .toBeGreaterThanOrEqual(1);
    expect((await harness.job(job.id!)).attemptsMade).toBe(0);
    harness.simulator.configure('tertiary', { mode: { kind: 'healthy' }, embeddingDimensions: 4 });
    const [done] = await finished(harness, [job.id!, ...trips.map((trip) => trip.id!)]);
    expect(await done?.getState()).toBe('completed');
    expect((done!.returnvalue as EmbeddingJobResult).embeddings).toHaveLength(10);
    expect((done!.returnvalue as EmbeddingJobResult).provider).toBe('tertiary');
  });
});
