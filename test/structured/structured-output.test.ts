import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionJobResult } from '../../src/contract/job.js';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

const ticketSchema = {
  type: 'object',
  properties: {
    sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] },
    topics: { type: 'array', items: { type: 'string' }, minItems: 1 },
    urgency: { type: 'integer', minimum: 1, maximum: 5 },
  },
  required: ['sentiment', 'topics', 'urgency'],
  additionalProperties: false,
};
const validates = new Ajv2020({ strict: false }).compile(ticketSchema);

async function finished(h: WorkerHarness, ids: string[], timeout = 15_000) {
  await expect
    .poll(async () => (await h.states(ids)).every((state) => state === 'completed' || state === 'failed'), {
      timeout,
      interval: 50,
    })
    .toBe(true);
  return Promise.all(ids.map((id) => h.job(id)));
}

const prompt = 'Classify: the refund never arrived and nobody answers the phone.';

describe('structured output, on each wire format', () => {
  it.each([
    ['primary', 'gpt-4.1-mini', 'openai'],
    ['secondary', 'claude-haiku-4-5', 'anthropic (native output format)'],
    ['secondary', 'claude-3-haiku-20240307', 'anthropic (JSON tool)'],
    ['tertiary', 'gemini-2.5-flash', 'google'],
  ])('%s/%s (%s) returns an object that validates against the schema', async (provider, model) => {
    harness = await new WorkerHarness().start();
    const job = await harness.add({
      prompt,
      chain: [{ provider, model }],
      output: { schema: ticketSchema, name: 'ticket' },
    });
    const [done] = await finished(harness, [job.id!]);
    expect(await done?.getState()).toBe('completed');
    const result = done?.returnvalue as CompletionJobResult;
    expect(result).toMatchObject({ provider, model, finishReason: 'stop', fallbackUsed: false });
    expect(validates(result.object)).toBe(true);
    expect(JSON.parse(result.text)).toEqual(result.object);
    expect(result.costUsd === null || result.costUsd > 0).toBe(true);
    // The request asked for the schema in the provider's own way.
    const body = harness.simulator.stats(provider).recent[0]?.body as Record<string, unknown>;
    expect(JSON.stringify(body)).toContain('"urgency"');
  });

  it('asks each provider for JSON in its native form', async () => {
    harness = await new WorkerHarness().start();
    const jobs = await Promise.all(
      [
        ['primary', 'gpt-4.1-mini'],
        ['secondary', 'claude-haiku-4-5'],
        ['secondary', 'claude-3-haiku-20240307'],
        ['tertiary', 'gemini-2.5-flash'],
      ].map(([provider, model]) =>
        harness.add({
          prompt,
          chain: [{ provider, model }],
          output: { schema: ticketSchema, name: 'ticket' },
        }),
      ),
    );
    await finished(
      harness,
      jobs.map((job) => job.id!),
    );
    // biome-ignore lint/suspicious/noExplicitAny: provider request bodies, read as the wire wrote them
    type Body = Record<string, any>;
    const bodies = (provider: string) =>
      harness.simulator.stats(provider).recent.map((call) => call.body as Body);
    expect(bodies('primary')[0]?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'ticket', schema: { required: ticketSchema.required } },
    });
    const anthropic = bodies('secondary');
    const native = anthropic.find((body) => body.model === 'claude-haiku-4-5');
    expect(native?.output_config?.format).toMatchObject({ type: 'json_schema' });
    const tool = anthropic.find((body) => body.model === 'claude-3-haiku-20240307');
    expect(tool?.tool_choice).toMatchObject({ type: 'any' });
    expect(tool?.tools).toHaveLength(1);
    expect(tool?.tools?.[0]?.input_schema).toMatchObject({ required: ticketSchema.required });
    expect(bodies('tertiary')[0]?.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseSchema: expect.objectContaining({ required: ticketSchema.required }),
    });
  });
});

describe('invalid output is its own verdict', () => {
  it("primary answers invalid JSON every time: the secondary serves, the primary's breaker stays closed", async () => {
    harness = await new WorkerHarness().start();
    harness.simulator.configure('primary', { invalidOutputRate: 1, invalidOutput: 'bad-json' });
    const jobs = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        harness.add({ prompt: `${prompt} (${index})`, output: { schema: ticketSchema } }),
      ),
    );
    const done = await finished(
      harness,
      jobs.map((job) => job.id!),
    );
    for (const job of done) {
      const result = job.returnvalue as CompletionJobResult;
      expect(result.provider).toBe('secondary');
      expect(result.fallbackUsed).toBe(true);
      expect(validates(result.object)).toBe(true);
      expect(result.attempts[0]).toMatchObject({
        provider: 'primary',
        outcome: 'invalid-output',
        errorClass: 'unparseable-output',
      });
    }
    // Six calls, past the volume threshold (2) at a 100 % failure rate had they counted: still closed.
    expect(harness.simulator.stats('primary').calls).toBe(6);
    expect(harness.circuits.get('primary').availability()).toEqual({ kind: 'closed' });
    expect(harness.circuits.get('primary').stats().failures).toBe(0);
  });

  it('both entries invalid: every attempt is spent, then the job fails with each entry’s validation errors', async () => {
    harness = await new WorkerHarness().start();
    harness.simulator.configure('primary', { invalidOutputRate: 1, invalidOutput: 'schema-violation' });
    harness.simulator.configure('secondary', { invalidOutputRate: 1, invalidOutput: 'bad-json' });
    const job = await harness.add({ prompt, output: { schema: ticketSchema } });
    const [failed] = await finished(harness, [job.id!]);
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(3);
    expect(failed?.failedReason).toMatch(/^no answer matched the output schema/);
    expect(failed?.failedReason).toContain(
      "primary/gpt-4.1-mini: invalid-output (the answer does not match the schema: /: must have required property 'sentiment')",
    );
    expect(failed?.failedReason).toMatch(
      /secondary\/claude-haiku-4-5: invalid-output \(the answer is not JSON/,
    );
    expect(harness.simulator.stats('primary').calls).toBe(3);
    expect(harness.simulator.stats('secondary').calls).toBe(3);
    expect(harness.circuits.get('primary').availability()).toEqual({ kind: 'closed' });
    expect(harness.circuits.get('secondary').availability()).toEqual({ kind: 'closed' });
  });

  it('an answer cut off at the token limit is invalid output; a content-filter finish is rejected', async () => {
    harness = await new WorkerHarness().start();
    harness.simulator.configure('secondary', { contentFilterPattern: 'forbidden' });
    const cut = await harness.add({
      prompt,
      maxTokens: 3,
      chain: [
        { provider: 'primary', model: 'gpt-4.1-mini' },
        { provider: 'tertiary', model: 'gemini-2.5-flash' },
      ],
      output: { schema: ticketSchema },
    });
    const filtered = await harness.add({
      prompt: 'a forbidden request',
      chain: [{ provider: 'secondary', model: 'claude-haiku-4-5' }],
      output: { schema: ticketSchema },
    });
    const [cutJob, filteredJob] = await finished(harness, [cut.id!, filtered.id!]);
    // Both entries cut off: attempts spent, each named.
    expect(await cutJob?.getState()).toBe('failed');
    expect(cutJob?.failedReason).toContain(
      'primary/gpt-4.1-mini: invalid-output (the answer was cut off at the token limit',
    );
    expect(cutJob?.failedReason).toContain('tertiary/gemini-2.5-flash: invalid-output');
    // Rejected by every entry: failed at once, no retry.
    expect(await filteredJob?.getState()).toBe('failed');
    expect(filteredJob?.attemptsMade).toBe(1);
    expect(filteredJob?.failedReason).toMatch(/every provider rejected the request: .*content filter/);
    expect(harness.circuits.get('secondary').availability()).toEqual({ kind: 'closed' });
  });
});
