import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText, validateConfig } from '../../src/config/load-config.js';
import { resolveProviders, simulatorKey } from '../../src/config/resolve-providers.js';

const config = (providers: Record<string, unknown>) =>
  validateConfig(
    { providers, routes: { default: Object.keys(providers).map((provider) => ({ provider, model: 'm' })) } },
    'test',
    { OPENAI_API_KEY: 'sk-real' },
  ).config;

describe('resolving simulated providers into real wire types', () => {
  it('points each simulated provider at its path on the simulator, in the wire format it speaks', () => {
    const { providers } = config({
      'sim-openai': { type: 'simulated' },
      'sim-anthropic': { type: 'simulated', wire: 'anthropic', timeoutMs: 5_000 },
      'sim-google': { type: 'simulated', wire: 'google' },
      elsewhere: { type: 'simulated', wire: 'anthropic', baseURL: 'http://10.0.0.9:4010/' },
      real: { type: 'openai' },
    });
    const resolved = resolveProviders(providers, 'http://127.0.0.1:41234');
    expect(resolved['sim-openai']).toMatchObject({
      type: 'openai',
      baseURL: 'http://127.0.0.1:41234/sim-openai/v1',
      simulated: true,
      apiKey: simulatorKey,
    });
    expect(resolved['sim-anthropic']).toMatchObject({
      type: 'anthropic',
      baseURL: 'http://127.0.0.1:41234/sim-anthropic/v1',
      timeoutMs: 5_000,
    });
    expect(resolved['sim-google']).toMatchObject({
      type: 'google',
      baseURL: 'http://127.0.0.1:41234/sim-google/v1beta',
    });
    // A simulator of its own (npm run simulator) wins over the embedded one.
    expect(resolved.elsewhere?.baseURL).toBe('http://10.0.0.9:4010/elsewhere/v1');
    expect(resolved.real).toEqual(providers.real);
    expect(resolved.real?.simulated).toBeUndefined();
  });

  it('refuses a simulated provider that has no simulator, naming the key and the fix', () => {
    const { providers } = config({ sim: { type: 'simulated' } });
    try {
      resolveProviders(providers);
      expect.unreachable('resolved without a simulator');
    } catch (error) {
      expect(ConfigError.is(error)).toBe(true);
      expect((error as ConfigError).problems[0]?.path).toBe('providers.sim.baseURL');
    }
  });

  it('keeps only simulated providers from taking simulator keys', () => {
    const text = (provider: string) =>
      `providers: { o: ${provider} }\nroutes: { default: [{ provider: o, model: m }] }`;
    const refusal = (provider: string) => {
      try {
        parseConfigText(text(provider), 'test.yaml', { OPENAI_API_KEY: 'sk' });
      } catch (error) {
        if (ConfigError.is(error))
          return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
      }
      return [];
    };
    expect(refusal('{ type: openai, wire: anthropic }')).toEqual([
      'providers.o.wire: only simulated providers take this key; remove it',
    ]);
    expect(refusal('{ type: anthropic, latencyMs: { min: 1, max: 2 } }')).toEqual([
      'providers.o.latencyMs: only simulated providers take this key; remove it',
    ]);
    expect(refusal('{ type: simulated, wire: cobol }')[0]).toMatch(/^providers\.o\.wire: /);
  });
});
