import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import type { ProviderType } from '../../src/config/schema.js';
import { AdapterFactory } from '../../src/providers/create-adapter.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

/**
 * The adapter's structured-output, image and embedding paths against the simulator, one real
 * provider type per wire format: the verdict of each kind of bad answer, as the queue will see it.
 */
const simulator = new ProviderSimulator();
let root = '';
beforeAll(async () => {
  root = await simulator.start();
});
afterAll(() => simulator.close());
beforeEach(() => simulator.reset());

function adapter(type: ProviderType, model: string) {
  const version = type === 'google' ? 'v1beta' : 'v1';
  const loaded = validateConfig(
    {
      providers: { [type]: { type, baseURL: `${root}/${type}/${version}`, apiKeyEnv: 'KEY' } },
      routes: { default: [{ provider: type, model }] },
    },
    'test',
    { KEY: 'sk-structured-test' },
  );
  const factory = new AdapterFactory({
    providers: resolveProviders(loaded.config.providers),
    secrets: loaded.secrets,
  });
  return factory.get(type, model);
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (ProviderError.is(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const output = {
  schema: {
    type: 'object',
    properties: { label: { type: 'string' }, score: { type: 'number' } },
    required: ['label', 'score'],
    additionalProperties: false,
  },
  name: 'verdict',
};
const request = { prompt: 'Label: the wall cracked', output };
const call = { timeoutMs: 5_000 };

describe.each([
  ['openai', 'gpt-4.1-mini'],
  ['anthropic', 'claude-haiku-4-5'],
  ['anthropic', 'claude-3-haiku-20240307'],
  ['google', 'gemini-2.5-flash'],
  ['openai-compatible', 'llama-3.1-8b'],
] as const)('structured output on %s (%s)', (type, model) => {
  it('a valid answer comes back as the object', async () => {
    const result = await adapter(type, model).complete(request, call);
    expect(result.object).toEqual({ label: 'simulated', score: 1 });
    expect(result.finishReason).toBe('stop');
  });

  it('JSON that breaks the schema is invalid output: schema-mismatch, quoting ajv', async () => {
    simulator.configure(type, { invalidOutputRate: 1, invalidOutput: 'schema-violation' });
    const error = await failure(adapter(type, model).complete(request, call));
    expect(error).toMatchObject({ verdict: 'invalid-output', code: 'schema-mismatch' });
    expect(error.message).toContain("must have required property 'label'");
    expect(error.countsAgainstProvider).toBe(false);
  });

  it('an answer that is not JSON is invalid output', async () => {
    simulator.configure(type, { invalidOutputRate: 1, invalidOutput: 'bad-json' });
    const error = await failure(adapter(type, model).complete(request, call));
    expect(error.verdict).toBe('invalid-output');
    expect(['unparseable-output', 'schema-mismatch']).toContain(error.code);
  });

  it('a content-filter finish is rejected', async () => {
    simulator.configure(type, { contentFilterPattern: 'cracked' });
    const error = await failure(adapter(type, model).complete(request, call));
    expect(error).toMatchObject({ verdict: 'rejected', code: 'content-filter' });
  });
});

describe.each([
  ['openai', 'gpt-4.1-mini'],
  ['google', 'gemini-2.5-flash'],
] as const)('a structured answer cut off at the token limit on %s', (type, model) => {
  it('is invalid output: truncated-output', async () => {
    const error = await failure(adapter(type, model).complete({ ...request, maxTokens: 2 }, call));
    expect(error).toMatchObject({ verdict: 'invalid-output', code: 'truncated-output' });
  });
});

describe.each([
  ['openai', 'text-embedding-3-small', 5],
  ['google', 'gemini-embedding-001', null],
  ['openai-compatible', 'nomic-embed-text', 5],
] as const)('embeddings on %s (%s)', (type, model, tokens) => {
  it('one vector per value, in order', async () => {
    simulator.configure(type, { embeddingDimensions: 6 });
    const embed = adapter(type, model).embed;
    expect(embed).toBeDefined();
    const result = await embed!({ kind: 'embed', values: ['tide', 'wall', 'harbour'] }, call);
    expect(result.embeddings).toHaveLength(3);
    expect(result.embeddings.every((vector) => vector.length === 6)).toBe(true);
    expect(result.usage).toEqual({ inputTokens: tokens, outputTokens: 0 });
  });
});

describe.each(['openai', 'openai-compatible'] as const)("OpenAI's strict mode on %s", (type) => {
  const sentFormat = () => {
    const body = simulator.stats(type).recent.at(-1)?.body as { response_format?: unknown } | undefined;
    return body?.response_format;
  };

  it('a closed schema with every property required goes strict', async () => {
    await adapter(type, 'm-1').complete(request, call);
    expect(sentFormat()).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
  });

  it('any other schema goes non-strict (strict mode would refuse it), and is still validated', async () => {
    const open = { schema: { type: 'object', properties: { label: { type: 'string' } } } };
    const result = await adapter(type, 'm-1').complete({ ...request, output: open }, call);
    expect(sentFormat()).toMatchObject({ type: 'json_schema', json_schema: { strict: false } });
    expect(result.object).toEqual({ label: 'simulated' });
  });
});

it('an Anthropic adapter has no embed', () => {
  expect(adapter('anthropic', 'claude-haiku-4-5').embed).toBeUndefined();
});
