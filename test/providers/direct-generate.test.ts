import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import type { ProviderType } from '../../src/config/schema.js';
import type { CompletionRequest, CompletionResult } from '../../src/providers/completion.js';
import { AdapterFactory } from '../../src/providers/create-adapter.js';
import { directPrompt } from '../../src/providers/direct-generate.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { ProfilePatch } from '../../src/simulator/profile.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

/**
 * Plain text calls go straight to the model's `doGenerate`; every other call, and every call with
 * `direct: false`, through `generateText`. Both paths, against the simulator, must send the same
 * request on the wire and give the same result or the same classified error.
 */
const simulator = new ProviderSimulator();
let root = '';
const key = 'sk-direct-test-0123456789';
const envName = 'DIRECT_TEST_KEY';

beforeAll(async () => {
  root = await simulator.start();
});
afterAll(() => simulator.close());

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

const types: { type: ProviderType; base: string }[] = [
  { type: 'openai', base: 'v1' },
  { type: 'anthropic', base: 'v1' },
  { type: 'google', base: 'v1beta' },
  { type: 'openai-compatible', base: 'v1' },
];

function adapterFor(type: ProviderType, base: string, direct: boolean, sent: Sent[]) {
  const loaded = validateConfig(
    {
      providers: { [type]: { type, baseURL: `${root}/${type}/${base}`, apiKeyEnv: envName } },
      routes: { default: [{ provider: type, model: 'model-x' }] },
    },
    'test',
    { [envName]: key },
  );
  const factory = new AdapterFactory({
    providers: resolveProviders(loaded.config.providers),
    secrets: loaded.secrets,
    direct,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const text = await request.clone().text();
      sent.push({
        url: request.url,
        method: request.method,
        headers: Object.fromEntries(request.headers.entries()),
        body: text === '' ? undefined : JSON.parse(text),
      });
      return fetch(request);
    },
  });
  return factory.get(type, 'model-x');
}

type Outcome =
  | { ok: Omit<CompletionResult, 'latencyMs'> }
  | { error: Pick<ProviderError, 'verdict' | 'code' | 'status' | 'retryAfterMs' | 'rateLimitHeaders'> };

/** One call on a freshly reset simulator: the same state (and limit headers) for both paths. */
async function outcomeOf(
  type: ProviderType,
  base: string,
  direct: boolean,
  request: CompletionRequest,
  patch: ProfilePatch,
): Promise<{ outcome: Outcome; sent: Sent[] }> {
  simulator.reset();
  simulator.configure(type, patch);
  const sent: Sent[] = [];
  try {
    const { latencyMs: _latency, ...ok } = await adapterFor(type, base, direct, sent).complete(request, {
      timeoutMs: 5_000,
    });
    return { outcome: { ok }, sent };
  } catch (error) {
    if (!ProviderError.is(error)) throw error;
    const { verdict, code, status, retryAfterMs, rateLimitHeaders } = error;
    return { outcome: { error: { verdict, code, status, retryAfterMs, rateLimitHeaders } }, sent };
  }
}

const requests: [string, CompletionRequest][] = [
  ['a prompt', { prompt: 'Summarise the tides.' }],
  [
    'a system text, settings and headers',
    {
      system: 'You are terse.',
      prompt: 'Summarise the tides.',
      maxTokens: 64,
      temperature: 0.2,
      headers: { 'X-Breakwater-Job-Id': 'job-42', 'User-Agent': 'caller/1.0' },
    },
  ],
  ['a reply cut by maxTokens', { prompt: 'a long question '.repeat(10), maxTokens: 3 }],
  [
    'a conversation with text parts',
    {
      messages: [
        { role: 'user', content: 'First question.' },
        { role: 'assistant', content: [{ type: 'text', text: 'First answer.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Second' },
            { type: 'text', text: '' },
            { type: 'text', text: 'question.' },
          ],
        },
      ],
    },
  ],
];

const failures: [string, ProfilePatch][] = [
  ['429 with Retry-After', { mode: { kind: 'rate-limited', retryAfterSeconds: 7 } }],
  ['500', { mode: { kind: 'down', status: 500 } }],
  ['401 (a wrong key)', { apiKey: 'some-other-key' }],
];

describe.each(types)('$type: the direct call and generateText', ({ type, base }) => {
  it.each(requests)('%s: the same request on the wire and the same result', async (_name, request) => {
    expect(directPrompt(request)).toBeDefined();
    const direct = await outcomeOf(type, base, true, request, { apiKey: key });
    const sdk = await outcomeOf(type, base, false, request, { apiKey: key });
    expect('ok' in direct.outcome).toBe(true);
    expect(direct.outcome).toEqual(sdk.outcome);
    expect(direct.sent).toHaveLength(1);
    expect(direct.sent).toEqual(sdk.sent);
  });

  it.each(failures)('%s: classified the same', async (_name, patch) => {
    const direct = await outcomeOf(type, base, true, { prompt: 'hi' }, patch);
    const sdk = await outcomeOf(type, base, false, { prompt: 'hi' }, patch);
    expect('error' in direct.outcome).toBe(true);
    expect(direct.outcome).toEqual(sdk.outcome);
    expect(direct.sent).toEqual(sdk.sent);
  });
});

describe('directPrompt', () => {
  it('leaves structured output, images, system messages and settings the SDK refuses to generateText', () => {
    const schema = { type: 'object' };
    expect(directPrompt({ prompt: 'x', output: { schema } })).toBeUndefined();
    expect(
      directPrompt({
        messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }],
      }),
    ).toBeUndefined();
    expect(directPrompt({ messages: [{ role: 'system', content: 'Be terse.' }] })).toBeUndefined();
    expect(directPrompt({ messages: [] })).toBeUndefined();
    expect(directPrompt({ prompt: 'x', maxTokens: 0 })).toBeUndefined();
    expect(directPrompt({ prompt: 'x', maxTokens: 1.5 })).toBeUndefined();
  });

  it('builds the prompt the SDK builds: system first, text parts, empty ones dropped', () => {
    expect(
      directPrompt({
        system: 'S',
        messages: [
          { role: 'user', content: 'u' },
          { role: 'assistant', content: [{ type: 'text', text: '' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
    ).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: [{ type: 'text', text: 'u' }] },
      { role: 'assistant', content: [] },
      { role: 'assistant', content: [{ type: 'text', text: 'a\nb' }] },
    ]);
  });
});
