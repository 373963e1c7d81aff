import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchClient } from '../../src/providers/batch/batch-client.js';
import { openaiBatchClient } from '../../src/providers/batch/openai-batch-client.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

let clock = 1_700_000_000_000;
let simulator: ProviderSimulator;
let client: BatchClient;

const items = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    customId: `job-${index}`,
    request: { prompt: `item ${index}` },
  }));

beforeEach(async () => {
  let draws = 0;
  // Every fourth item draws below 0.25: an exact error count for a 25 % rate.
  simulator = new ProviderSimulator({ now: () => clock, random: () => ((draws++ % 4) + 0.5) / 4 });
  await simulator.start();
  client = openaiBatchClient({
    provider: 'batchy',
    baseURL: simulator.baseURL('batchy', 'openai'),
    secret: 'sk-batch-secret-123456',
    timeoutMs: 5_000,
    fetch: globalThis.fetch,
    now: () => clock,
  });
});
afterEach(() => simulator.close());

describe('the OpenAI batch wire format, client against the simulator', () => {
  it('uploads a JSONL file, creates a tagged batch, polls it to completion and reads every item', async () => {
    simulator.configureBatches('batchy', { turnaroundMs: 3_000 });
    const id = await client.submit('bwb-1', 'gpt-4.1-mini', items(5));
    expect(id).toMatch(/^batch_/);
    expect(await client.status(id)).toEqual({ state: 'in-progress', raw: 'in_progress' });
    const submission = { since: clock, items: items(5) };
    expect(await client.find({ ...submission, tag: 'bwb-1' })).toEqual({
      kind: 'found',
      providerBatchId: id,
    });
    expect(await client.find({ ...submission, tag: 'bwb-2' })).toEqual({ kind: 'absent' });
    clock += 3_000;
    expect(await client.status(id)).toEqual({ state: 'ended', raw: 'completed' });
    const outcomes = await client.results(id, 'gpt-4.1-mini', items(5), 'tag');
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const first = outcomes[0];
    expect(first?.kind === 'ok' && first.result.text).toContain('item 0');
    expect(first?.kind === 'ok' && first.result.usage.inputTokens).toBeGreaterThan(0);
    expect(simulator.batchesReceived()).toEqual([
      expect.objectContaining({
        id,
        provider: 'batchy',
        wire: 'openai',
        customIds: items(5).map((item) => item.customId),
      }),
    ]);
    // Batch endpoints are not synchronous calls.
    expect(simulator.stats('batchy').calls).toBe(0);
  });

  it('per-item errors come back as ProviderErrors with a call verdict, from the error file', async () => {
    simulator.configureBatches('batchy', { turnaroundMs: 0, itemErrorRate: 0.25, itemErrorStatus: 500 });
    const id = await client.submit('bwb-2', 'gpt-4.1-mini', items(8));
    const outcomes = await client.results(id, 'gpt-4.1-mini', items(8), 'tag');
    const errored = outcomes.filter((outcome) => outcome.kind === 'errored');
    expect(errored).toHaveLength(2);
    expect(errored[0]?.kind === 'errored' && errored[0].error).toMatchObject({
      verdict: 'retryable',
      status: 500,
    });
  });

  it('a failed batch, an expired batch and a cancelled one', async () => {
    simulator.configureBatches('batchy', { turnaroundMs: 0, ending: 'fail' });
    const failed = await client.submit('f', 'gpt-4.1-mini', items(2));
    expect(await client.status(failed)).toMatchObject({ state: 'failed' });

    simulator.configureBatches('batchy', { ending: 'expire' });
    const expired = await client.submit('e', 'gpt-4.1-mini', items(2));
    expect(await client.status(expired)).toMatchObject({ state: 'expired' });
    expect(
      (await client.results(expired, 'gpt-4.1-mini', items(2), 'tag')).map((outcome) => outcome.kind),
    ).toEqual(['expired', 'expired']);

    simulator.configureBatches('batchy', { turnaroundMs: 60_000, ending: 'complete' });
    const cancelled = await client.submit('c', 'gpt-4.1-mini', items(2));
    await client.cancel(cancelled);
    expect(await client.status(cancelled)).toMatchObject({ state: 'cancelled' });
    expect(
      (await client.results(cancelled, 'gpt-4.1-mini', items(2), 'tag')).map((outcome) => outcome.kind),
    ).toEqual(['cancelled', 'cancelled']);
  });

  it('a batch endpoint that is down is a retryable ProviderError with its status, scrubbed of the key', async () => {
    simulator.configureBatches('batchy', { downStatus: 503 });
    const error = await client.submit('d', 'gpt-4.1-mini', items(1)).catch((caught: unknown) => caught);
    expect(ProviderError.is(error)).toBe(true);
    expect(error).toMatchObject({
      verdict: 'retryable',
      code: 'overloaded',
      status: 503,
      provider: 'batchy',
    });
    expect(JSON.stringify(error)).not.toContain('sk-batch-secret');
  });

  it('the simulator fails a batch whose input file is invalid at validation, as OpenAI does', async () => {
    const id = await client.submit('v', 'gpt-4.1-mini', [
      { customId: 'same', request: { prompt: 'a' } },
      { customId: 'same', request: { prompt: 'b' } },
    ]);
    expect(await client.status(id)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/duplicate/),
    });
  });
});
