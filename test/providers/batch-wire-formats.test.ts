import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anthropicBatchClient } from '../../src/providers/batch/anthropic-batch-client.js';
import { wireCustomId } from '../../src/providers/batch/anthropic-batch-search.js';
import type { BatchClient } from '../../src/providers/batch/batch-client.js';
import { googleBatchClient } from '../../src/providers/batch/google-batch-client.js';
import { openaiBatchClient } from '../../src/providers/batch/openai-batch-client.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

let clock = 1_700_000_000_000;
let simulator: ProviderSimulator;

const secret = 'sk-batch-secret-987654';
const items = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    customId: `job-${index}`,
    request: { system: 'be brief', prompt: `item ${index}`, maxTokens: 200 },
  }));

const wires = [
  { wire: 'openai', model: 'gpt-4.1-mini', client: openaiBatchClient, findsByTag: true },
  { wire: 'anthropic', model: 'claude-haiku-4-5', client: anthropicBatchClient, findsByTag: false },
  { wire: 'google', model: 'gemini-2.5-flash', client: googleBatchClient, findsByTag: true },
] as const;

beforeEach(async () => {
  let draws = 0;
  simulator = new ProviderSimulator({ now: () => clock, random: () => ((draws++ * 7) % 10) / 10 });
  await simulator.start();
});
afterEach(() => simulator.close());

describe.each(wires)(
  'the $wire batch wire format, client against the simulator',
  ({ wire, model, client: create, findsByTag }) => {
    let client: BatchClient;
    beforeEach(() => {
      client = create({
        provider: 'batchy',
        baseURL: simulator.baseURL('batchy', wire),
        secret,
        timeoutMs: 5_000,
        fetch: globalThis.fetch,
        now: () => clock,
      });
    });

    it('creates a batch, polls it to its end and reads every answer', async () => {
      simulator.configureBatches('batchy', { turnaroundMs: 3_000 });
      const id = await client.submit('bwb-tag-1', model, items(4));
      expect((await client.status(id)).state).toBe('in-progress');
      const submission = { tag: 'bwb-tag-1', since: clock, items: items(4) };
      // Anthropic's batch shows its requests only once ended: until then it may be ours, undecided.
      expect(await client.find(submission)).toEqual(
        findsByTag ? { kind: 'found', providerBatchId: id } : { kind: 'undecided', candidates: [id] },
      );
      clock += 3_000;
      expect((await client.status(id)).state).toBe('ended');
      expect(await client.find(submission)).toEqual({ kind: 'found', providerBatchId: id });
      expect(await client.find({ ...submission, tag: 'bwb-tag-other' })).toEqual({ kind: 'absent' });
      const outcomes = await client.results(id, model, items(4), 'bwb-tag-1');
      expect(outcomes.map((outcome) => [outcome.customId, outcome.kind])).toEqual(
        items(4).map((item) => [item.customId, 'ok']),
      );
      const first = outcomes[0];
      if (first?.kind !== 'ok') throw new Error('expected an answer');
      expect(first.result).toMatchObject({ text: expect.stringContaining('item 0'), finishReason: 'stop' });
      expect(first.result.usage.inputTokens).toBeGreaterThan(0);
      const [received] = simulator.batchesReceived();
      const sent = (customId: string) => (findsByTag ? customId : wireCustomId('bwb-tag-1', customId));
      expect(received).toMatchObject({ id, wire, customIds: items(4).map((item) => sent(item.customId)) });
      expect(simulator.stats('batchy').calls).toBe(0);
    });

    it('item errors carry the verdict a call with that status gets', async () => {
      simulator.configureBatches('batchy', { turnaroundMs: 0, itemErrorRate: 0.5, itemErrorStatus: 503 });
      const id = await client.submit('bwb-tag-2', model, items(4));
      const errored = (await client.results(id, model, items(4), 'bwb-tag-2')).filter(
        (outcome) => outcome.kind === 'errored',
      );
      expect(errored).toHaveLength(2);
      for (const outcome of errored) {
        if (outcome.kind !== 'errored') continue;
        expect(outcome.error).toMatchObject({ verdict: 'retryable', provider: 'batchy' });
      }
    });

    it('expired and cancelled batches: their items say so', async () => {
      simulator.configureBatches('batchy', { turnaroundMs: 0, ending: 'expire' });
      const expired = await client.submit('e', model, items(2));
      expect((await client.results(expired, model, items(2), 'e')).map((outcome) => outcome.kind)).toEqual([
        'expired',
        'expired',
      ]);
      simulator.configureBatches('batchy', { turnaroundMs: 60_000, ending: 'complete' });
      const cancelled = await client.submit('c', model, items(2));
      await client.cancel(cancelled);
      expect((await client.status(cancelled)).state).not.toBe('in-progress');
      expect((await client.results(cancelled, model, items(2), 'c')).map((outcome) => outcome.kind)).toEqual([
        'cancelled',
        'cancelled',
      ]);
    });

    it('the batch API down: a retryable ProviderError with its status, the key nowhere in it', async () => {
      simulator.configureBatches('batchy', { downStatus: 503 });
      const error = await client.submit('d', model, items(1)).catch((caught: unknown) => caught);
      expect(ProviderError.is(error)).toBe(true);
      expect(error).toMatchObject({ verdict: 'retryable', status: 503 });
      expect(JSON.stringify(error)).not.toContain(secret);
    });
  },
);

describe('batch client errors', () => {
  it('a provider that echoes the key in its error: the key is scrubbed, the 401 is an auth verdict', async () => {
    const echoing: typeof globalThis.fetch = async () =>
      new Response(JSON.stringify({ error: { message: `Incorrect API key provided: ${secret}` } }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      });
    for (const create of [openaiBatchClient, anthropicBatchClient, googleBatchClient]) {
      const client = create({
        provider: 'p',
        baseURL: 'http://127.0.0.1:9/v1',
        secret,
        timeoutMs: 1_000,
        fetch: echoing,
        now: Date.now,
      });
      const error = await client.submit('t', 'm', items(1)).catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        verdict: 'auth',
        code: 'unauthorized',
        status: 401,
        message: 'Incorrect API key provided: [redacted]',
      });
    }
  });

  it('an unreachable batch API is a retryable network error', async () => {
    const client = openaiBatchClient({
      provider: 'p',
      baseURL: 'http://127.0.0.1:9/v1',
      secret,
      timeoutMs: 2_000,
      fetch: globalThis.fetch,
      now: Date.now,
    });
    expect(await client.status('batch_1').catch((caught: unknown) => caught)).toMatchObject({
      verdict: 'retryable',
      code: 'network',
    });
  });
});
