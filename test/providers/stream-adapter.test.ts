import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveProviders } from '../../src/config/resolve-providers.js';
import type { ProviderType } from '../../src/config/schema.js';
import type { LanguageModelAdapter } from '../../src/providers/completion.js';
import { AdapterFactory } from '../../src/providers/create-adapter.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

/** Each real adapter type's `stream`, against the simulator streaming that provider's wire format. */
const simulator = new ProviderSimulator();
let root = '';

beforeAll(async () => {
  root = await simulator.start();
});
afterAll(() => simulator.close());
beforeEach(() => simulator.reset());

const cases: { type: ProviderType; version: string }[] = [
  { type: 'openai', version: 'v1' },
  { type: 'anthropic', version: 'v1' },
  { type: 'google', version: 'v1beta' },
  { type: 'openai-compatible', version: 'v1' },
];

function adapterFor(type: ProviderType, version: string): LanguageModelAdapter {
  const loaded = validateConfig(
    {
      providers: { [type]: { type, baseURL: `${root}/${type}/${version}`, apiKeyEnv: 'STREAM_KEY' } },
      routes: { default: [{ provider: type, model: 'model-x' }] },
    },
    'test',
    { STREAM_KEY: 'sk-stream-test-0123456789' },
  );
  return new AdapterFactory({
    providers: resolveProviders(loaded.config.providers),
    secrets: loaded.secrets,
  }).get(type, 'model-x');
}

const request = { prompt: 'Summarise the tides and the storms of the night in one line.', maxTokens: 256 };

describe.each(cases)('$type adapter streaming', ({ type, version }) => {
  it('streams pieces that join into the same answer complete gives, with its usage and finish', async () => {
    simulator.configure(type, { stream: { chunkDelayMs: 0 } });
    const adapter = adapterFor(type, version);
    const pieces: string[] = [];
    const streamed = await adapter.stream?.(request, { timeoutMs: 5_000 }, (text) => pieces.push(text));
    const whole = await adapter.complete(request, { timeoutMs: 5_000 });
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(streamed?.text);
    expect(streamed?.text).toBe(whole.text);
    expect(streamed).toMatchObject({ finishReason: 'stop' });
    expect(streamed?.usage.inputTokens).toBeGreaterThan(0);
    expect(streamed?.usage.outputTokens).toBe(whole.usage.outputTokens);
  });

  it('a stream cut midway is a retryable network failure, after the pieces sent', async () => {
    simulator.configure(type, { stream: { chunkDelayMs: 0, failAfterChunks: 3 } });
    const adapter = adapterFor(type, version);
    const whole = await adapter.complete(request, { timeoutMs: 5_000 });
    const pieces: string[] = [];
    const failure = await adapter
      .stream?.(request, { timeoutMs: 5_000 }, (text) => pieces.push(text))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(ProviderError.is(failure)).toBe(true);
    expect(failure).toMatchObject({ verdict: 'retryable', code: 'network', provider: type });
    // The three words sent before the cut, as they were sent.
    expect(pieces.join('')).toBe(`${whole.text.split(' ').slice(0, 3).join(' ')} `);
  });

  it('an error before the stream starts is classified as for complete', async () => {
    simulator.configure(type, { mode: { kind: 'down', status: 503 } });
    const failure = await adapterFor(type, version)
      .stream?.(request, { timeoutMs: 5_000 }, () => undefined)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ verdict: 'retryable', code: 'overloaded', status: 503 });
  });
});
