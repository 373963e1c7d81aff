import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { AdapterFactory } from '../../src/providers/create-adapter.js';
import { validateJob } from '../../src/queue/validate-job.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';
import { ApiHarness } from '../support/api-harness.js';

/**
 * Property-based: whatever model a job names, no request leaves the worker for any path but the one
 * its provider documents — on every wire format, keyed or simulated — and whatever model, provider
 * or route a job names, the API answers 202 or a 4xx, never a 5xx.
 */
const simulator = new ProviderSimulator();
let root = '';
let config: BreakwaterConfig;
let factory: AdapterFactory;
const sent: URL[] = [];
const keys = {
  OPENAI_API_KEY: 'sk-a',
  ANTHROPIC_API_KEY: 'sk-b',
  GOOGLE_GENERATIVE_AI_API_KEY: 'sk-c',
  LOCAL_KEY: 'sk-d',
};

type Wire = 'openai' | 'anthropic' | 'google';
/** Each configured provider: its wire and the name the simulator knows it by (its path segment). */
const providers: Record<string, { wire: Wire; simulatorName: string }> = {
  'sim-openai': { wire: 'openai', simulatorName: 'sim-openai' },
  'sim-anthropic': { wire: 'anthropic', simulatorName: 'sim-anthropic' },
  'sim-google': { wire: 'google', simulatorName: 'sim-google' },
  openai: { wire: 'openai', simulatorName: 'keyed-openai' },
  anthropic: { wire: 'anthropic', simulatorName: 'keyed-anthropic' },
  google: { wire: 'google', simulatorName: 'keyed-google' },
  local: { wire: 'openai', simulatorName: 'keyed-local' },
};

beforeAll(async () => {
  root = await simulator.start();
  const loaded = validateConfig(
    {
      providers: {
        'sim-openai': { type: 'simulated', wire: 'openai', baseURL: root },
        'sim-anthropic': { type: 'simulated', wire: 'anthropic', baseURL: root },
        'sim-google': { type: 'simulated', wire: 'google', baseURL: root },
        openai: { type: 'openai', baseURL: `${root}/keyed-openai/v1` },
        anthropic: { type: 'anthropic', baseURL: `${root}/keyed-anthropic/v1` },
        google: { type: 'google', baseURL: `${root}/keyed-google/v1beta` },
        local: { type: 'openai-compatible', baseURL: `${root}/keyed-local/v1`, apiKeyEnv: 'LOCAL_KEY' },
      },
      routes: { default: [{ provider: 'sim-openai', model: 'gpt-4.1-mini' }] },
    },
    'test',
    keys,
  );
  config = loaded.config;
  const recording: typeof fetch = (input, init) => {
    sent.push(new URL(input instanceof Request ? input.url : String(input)));
    return fetch(input, init);
  };
  factory = new AdapterFactory({
    providers: resolveProviders(config.providers),
    secrets: loaded.secrets,
    fetch: recording,
  });
});
afterAll(() => simulator.close());

/** The one path each wire format documents for a call (Gemini's names the model). */
function documentedPath(provider: string, model: string): string {
  const { wire, simulatorName } = providers[provider] ?? { wire: 'openai', simulatorName: '?' };
  if (wire === 'openai') return `/${simulatorName}/v1/chat/completions`;
  if (wire === 'anthropic') return `/${simulatorName}/v1/messages`;
  const named = model.startsWith('tunedModels/') ? model : `models/${model.replace(/^models\//, '')}`;
  return `/${simulatorName}/v1beta/${named}:generateContent`;
}

/** Pieces that steer URLs, mixed with model-like words. */
const trick = fc.constantFrom(
  '/',
  '..',
  '../',
  '?',
  '#',
  '%2e',
  '%2F',
  '\\',
  ':',
  '.',
  'models/',
  'tunedModels/',
  '_control/reset',
  'etc/passwd',
  ' ',
  '\n',
  '@',
  '=',
  '&',
  ':streamGenerateContent',
);
const word = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
const fromIssue = fc.constantFrom(
  '../../_control/reset#',
  '../../internal-admin#',
  'a/../../../../etc/passwd#',
  'x?y=1',
  'x#frag',
  'models/gemini-2.5-flash',
  'tunedModels/my-model',
  'meta-llama/Llama-3.1-8B-Instruct',
  'llama3.1:8b',
);
const modelName = fc.oneof(
  fc.array(fc.oneof(word, trick), { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join('')),
  fc.string({ maxLength: 40 }),
  fromIssue,
);

describe('model names cannot steer provider URLs', () => {
  it('a model is refused before any request, or its call goes to the documented path only', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(providers)), modelName, async (provider, model) => {
        sent.length = 0;
        const { simulatorName } = providers[provider] ?? { simulatorName: '?' };
        const before = simulator.stats(simulatorName).calls;
        const validation = validateJob({ prompt: 'hi', chain: [{ provider, model }] }, config);
        let adapterRefused = false;
        try {
          await factory.get(provider, model).complete({ prompt: 'hi', maxTokens: 8 }, { timeoutMs: 5_000 });
        } catch {
          adapterRefused = sent.length === 0;
        }
        if (validation.kind === 'invalid') {
          refused += 1;
          // The worker re-validates every job; the adapter factory refuses too, before any URL exists.
          expect(adapterRefused).toBe(true);
          expect(sent).toEqual([]);
          return;
        }
        accepted += 1;
        expect(sent).toHaveLength(1);
        const [url] = sent;
        expect(url?.origin).toBe(new URL(root).origin);
        expect(url?.pathname).toBe(documentedPath(provider, model));
        expect(url?.search).toBe('');
        expect(url?.hash).toBe('');
        const documented = documentedPath(provider, model);
        if (!documented.includes('/tunedModels/')) {
          // What the provider received, from its own record of the request.
          const stats = simulator.stats(simulatorName);
          expect(stats.calls).toBe(before + 1);
          expect(stats.recent.at(-1)?.path).toBe(documented);
          const wire = providers[provider]?.wire;
          expect(stats.recent.at(-1)?.model).toBe(wire === 'google' ? model.replace(/^models\//, '') : model);
        }
      }),
      { numRuns: 400 },
    );
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('refuses the reported path tricks by name, for jobs and for the config', () => {
    for (const model of [
      '../../_control/reset#',
      '../../internal-admin#',
      'a/../../../../etc/passwd#',
      'x?y=1',
      'x#frag',
    ]) {
      for (const provider of Object.keys(providers)) {
        const validation = validateJob({ prompt: 'hi', chain: [{ provider, model }] }, config);
        expect(validation).toMatchObject({ kind: 'invalid', problems: [{ path: 'chain.0.model' }] });
      }
    }
    // Gemini takes one name: a slash beyond models/ or tunedModels/ is refused there, kept elsewhere.
    expect(validateJob({ prompt: 'hi', chain: [{ provider: 'google', model: 'a/b' }] }, config).kind).toBe(
      'invalid',
    );
    expect(validateJob({ prompt: 'hi', chain: [{ provider: 'local', model: 'a/b' }] }, config).kind).toBe(
      'ok',
    );
    expect(() =>
      validateConfig(
        {
          providers: { g: { type: 'google', baseURL: `${root}/g/v1beta` } },
          routes: { default: [{ provider: 'g', model: 'x/../../admin' }] },
        },
        'test',
        keys,
      ),
    ).toThrow(/routes\.default\.0\.model/);
  });
});

describe('any model, provider or route name over HTTP', () => {
  let harness: ApiHarness;
  beforeAll(async () => {
    harness = await new ApiHarness().start();
  });
  afterAll(() => harness.stop());

  const prototypeNames = fc.constantFrom(
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'isPrototypeOf',
    '__defineGetter__',
  );
  const name = fc.oneof(
    prototypeNames,
    fc.string({ maxLength: 20 }),
    word,
    fc.constantFrom('primary', 'tertiary', 'default', 'solo'),
  );

  it('answers 202 or a 4xx naming the field, never a 5xx', async () => {
    const job = fc.oneof(
      fc.record({
        prompt: fc.constant('hi'),
        chain: fc.tuple(fc.record({ provider: name, model: fc.oneof(modelName, word) })),
      }),
      fc.record({ prompt: fc.constant('hi'), route: name }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          job,
          fc.array(job, { minLength: 1, maxLength: 3 }).map((jobs) => ({ jobs })),
        ),
        async (body) => {
          const bulk = 'jobs' in body;
          const response = await harness.request<{ error?: { fields?: { path: string }[] } }>(
            'POST',
            bulk ? '/v1/jobs/bulk' : '/v1/jobs',
            body,
          );
          expect(response.status === 202 || (response.status >= 400 && response.status < 500)).toBe(true);
          if (response.status !== 202) expect(response.body.error?.fields?.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any name in a path (a job id, a provider to open or close) is never a 5xx', async () => {
    const segment = fc.oneof(
      name.map(encodeURIComponent),
      fc.constantFrom('%ff', '%', '%zz', '..', '%2e%2e', '%00', '%C0%AF', '1', 'idem-0'),
    );
    const request = fc.oneof(
      segment.map((id) => ['GET', `/v1/jobs/${id}`, undefined] as const),
      segment.map((id) => ['DELETE', `/v1/jobs/${id}`, undefined] as const),
      segment.map((provider) => ['POST', `/v1/providers/${provider}/open`, { reason: 'property' }] as const),
      segment.map((provider) => ['POST', `/v1/providers/${provider}/close`, { reason: 'property' }] as const),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([method, path, body]) => {
        const response = await harness.request(method, path, body);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
