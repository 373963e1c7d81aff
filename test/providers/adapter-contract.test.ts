import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import type { ProviderType } from '../../src/config/schema.js';
import { AdapterFactory } from '../../src/providers/create-adapter.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

/**
 * Contract tests: each real adapter type (openai, anthropic, google, openai-compatible) pointed at the
 * simulator, which speaks that provider's wire format, errors and headers included.
 */
const simulator = new ProviderSimulator();
let root = '';
const key = 'sk-contract-test-0123456789';

beforeAll(async () => {
  root = await simulator.start();
});
afterAll(() => simulator.close());
beforeEach(() => simulator.reset());

interface Case {
  type: ProviderType;
  env: string;
  base: (name: string) => string;
  sentKeyHeader: string;
}

const cases: Case[] = [
  {
    type: 'openai',
    env: 'OPENAI_API_KEY',
    base: (name) => `${root}/${name}/v1`,
    sentKeyHeader: 'authorization',
  },
  {
    type: 'anthropic',
    env: 'ANTHROPIC_API_KEY',
    base: (name) => `${root}/${name}/v1`,
    sentKeyHeader: 'x-api-key',
  },
  {
    type: 'google',
    env: 'GOOGLE_GENERATIVE_AI_API_KEY',
    base: (name) => `${root}/${name}/v1beta`,
    sentKeyHeader: 'x-goog-api-key',
  },
  {
    type: 'openai-compatible',
    env: 'LOCAL_KEY',
    base: (name) => `${root}/${name}/v1`,
    sentKeyHeader: 'authorization',
  },
];

function adapterFor(testCase: Case, name: string = testCase.type) {
  const provider: Record<string, unknown> = {
    type: testCase.type,
    baseURL: testCase.base(name),
    apiKeyEnv: testCase.env,
  };
  const loaded = validateConfig(
    { providers: { [name]: provider }, routes: { default: [{ provider: name, model: 'model-x' }] } },
    'test',
    { [testCase.env]: key },
  );
  const factory = new AdapterFactory({
    providers: resolveProviders(loaded.config.providers),
    secrets: loaded.secrets,
  });
  return factory.get(name, 'model-x');
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

describe.each(cases)('$type adapter against the simulator', (testCase) => {
  const name = testCase.type;

  it('sends the provider its own request shape and key header, and parses text and usage', async () => {
    simulator.configure(name, { apiKey: key });
    const adapter = adapterFor(testCase);
    const result = await adapter.complete(
      {
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Summarise the tides.' }],
        maxTokens: 64,
        temperature: 0.2,
        headers: { 'x-breakwater-job-id': 'job-42' },
      },
      { timeoutMs: 5_000 },
    );
    expect(result.text).toContain('Summarise the tides.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);

    const [call] = simulator.stats(name).recent;
    expect(call?.hadKey).toBe(true);
    expect(call?.headers['x-breakwater-job-id']).toBe('job-42');
    expect(call?.headers[testCase.sentKeyHeader]).toBeUndefined();
    expect(call?.model).toBe('model-x');
    expect(call?.body).toMatchObject(expectedBody(testCase.type));
  });

  it('reports a finish by length when maxTokens cuts the reply', async () => {
    const result = await adapterFor(testCase).complete(
      { prompt: 'a long question '.repeat(10), maxTokens: 3 },
      { timeoutMs: 5_000 },
    );
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBe(3);
  });

  it('a wrong key is an auth failure', async () => {
    simulator.configure(name, { apiKey: 'some-other-key' });
    const error = await failure(adapterFor(testCase).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect(error.verdict).toBe('auth');
    expect(error.code).toBe('unauthorized');
    expect(error.message).not.toContain(key);
  });

  it('403 is an auth failure', async () => {
    simulator.configure(name, { mode: { kind: 'down', status: 403 } });
    const error = await failure(adapterFor(testCase).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect([error.verdict, error.code, error.status]).toEqual(['auth', 'forbidden', 403]);
  });

  it.each([500, 503, 529, 408])('%i is retryable', async (status) => {
    simulator.configure(name, { mode: { kind: 'down', status } });
    const error = await failure(adapterFor(testCase).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect(error.verdict).toBe('retryable');
    expect(error.status).toBe(status);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('429 is a limit (not an outage) and carries the Retry-After delay', async () => {
    simulator.configure(name, { mode: { kind: 'rate-limited', retryAfterSeconds: 7 } });
    const error = await failure(adapterFor(testCase).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect([error.verdict, error.code, error.status]).toEqual(['limited', 'rate-limited', 429]);
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('a prompt the provider refuses is rejected, not retryable', async () => {
    simulator.configure(name, { rejectPattern: 'forbidden topic' });
    const error = await failure(
      adapterFor(testCase).complete({ prompt: 'tell me the forbidden topic' }, { timeoutMs: 5_000 }),
    );
    expect([error.verdict, error.code, error.status]).toEqual(['rejected', 'bad-request', 400]);
    const ok = await adapterFor(testCase).complete({ prompt: 'a harmless topic' }, { timeoutMs: 5_000 });
    expect(ok.text).toContain('harmless');
  });

  it.each([
    [404, 'not-found'],
    [413, 'too-large'],
    [422, 'unprocessable'],
  ] as const)('%i is rejected (%s)', async (status, code) => {
    simulator.configure(name, { mode: { kind: 'down', status } });
    const error = await failure(adapterFor(testCase).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect([error.verdict, error.code]).toEqual(['rejected', code]);
  });

  it('a hanging provider is aborted at timeoutMs and the call ends retryable', async () => {
    simulator.configure(name, { mode: { kind: 'hang' } });
    const started = Date.now();
    const error = await failure(adapterFor(testCase).complete({ prompt: 'hi' }, { timeoutMs: 150 }));
    expect([error.verdict, error.code]).toEqual(['retryable', 'timeout']);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => simulator.stats(name).outcomes.aborted).toBe(1);
  });

  it('the caller can abort a call; the abort is not a provider failure', async () => {
    simulator.configure(name, { mode: { kind: 'hang' } });
    const controller = new AbortController();
    const call = adapterFor(testCase).complete(
      { prompt: 'hi' },
      { timeoutMs: 10_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('worker closing')), 50);
    await expect(call).rejects.toMatchObject({
      name: 'CallAbortedError',
      message: 'call aborted by the caller: worker closing',
    });
  });
});

describe('provider-specific error details', () => {
  const [openai, , google] = cases as [Case, Case, Case, Case];

  it('Retry-After given as an HTTP date is read as a delay', async () => {
    simulator.configure('openai', { mode: { kind: 'rate-limited', retryAfterSeconds: 30, httpDate: true } });
    const error = await failure(adapterFor(openai).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect(error.retryAfterMs).toBeGreaterThan(28_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('Gemini carries its retry delay as google.rpc.RetryInfo in the body', async () => {
    simulator.configure('google', { mode: { kind: 'rate-limited', retryAfterSeconds: 12 } });
    const error = await failure(adapterFor(google).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect(simulator.stats('google').recent.at(-1)?.outcome).toBe(429);
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('Gemini answers a bad key with 400 API_KEY_INVALID, which is an auth failure, not a rejection', async () => {
    simulator.configure('google', { mode: { kind: 'unauthorized' } });
    const error = await failure(adapterFor(google).complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect([error.status, error.verdict]).toEqual([400, 'auth']);
  });

  it('a provider that cannot be reached is a retryable network failure', async () => {
    const closed = new ProviderSimulator();
    const url = await closed.start();
    await closed.close();
    const adapter = adapterFor({ ...openai, base: () => `${url}/gone/v1` }, 'gone');
    const error = await failure(adapter.complete({ prompt: 'hi' }, { timeoutMs: 5_000 }));
    expect([error.verdict, error.code, error.status]).toEqual(['retryable', 'network', undefined]);
  });
});

function expectedBody(type: ProviderType): Record<string, unknown> {
  switch (type) {
    case 'openai':
    case 'openai-compatible':
      return {
        model: 'model-x',
        temperature: 0.2,
        max_tokens: 64,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Summarise the tides.' },
        ],
      };
    case 'anthropic':
      return {
        model: 'model-x',
        max_tokens: 64,
        temperature: 0.2,
        system: [{ type: 'text', text: 'You are terse.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise the tides.' }] }],
      };
    case 'google':
      return {
        generationConfig: { maxOutputTokens: 64, temperature: 0.2 },
        systemInstruction: { parts: [{ text: 'You are terse.' }] },
        contents: [{ role: 'user', parts: [{ text: 'Summarise the tides.' }] }],
      };
    default:
      throw new Error(`no expected body for ${type}`);
  }
}
