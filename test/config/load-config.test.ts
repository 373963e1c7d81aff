import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig, parseConfigText } from '../../src/config/load-config.js';
import { tempDir } from '../support/temp-dir.js';

const fullExample = `
providers:
  openai:
    type: openai
    baseURL: https://api.openai.com/v1
    apiKeyEnv: OPENAI_API_KEY
    timeoutMs: 60000
    breaker: { errorThresholdPercentage: 50, volumeThreshold: 5, rollingWindowMs: 60000, resetTimeoutMs: 30000 }
  claude:   { type: anthropic, apiKeyEnv: ANTHROPIC_API_KEY }
  gemini:   { type: google, apiKeyEnv: GEMINI_API_KEY }
  local:    { type: openai-compatible, baseURL: http://127.0.0.1:8000/v1 }
routes:
  default:
    - { provider: openai, model: gpt-4.1-mini }
    - { provider: claude, model: claude-haiku-4-5, timeoutMs: 20000 }
    - { provider: gemini, model: gemini-2.5-flash }
defaultRoute: default
pricing:
  gpt-4.1-mini: { input: 0.40, output: 1.60 }
queue: { name: breakwater, concurrency: 50, attempts: 5, backoffMs: 1000 }
`;

const keys = { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', GEMINI_API_KEY: 'g-k' };

function problems(text: string, env: NodeJS.ProcessEnv = keys): string[] {
  try {
    parseConfigText(text, 'test.yaml', env);
  } catch (error) {
    if (ConfigError.is(error)) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('loading the config', () => {
  it('loads the documented example, with defaults filled in and keys kept apart', () => {
    const { config, secrets } = parseConfigText(fullExample, 'test.yaml', keys);
    expect(config.routes.default?.map((entry) => entry.provider)).toEqual(['openai', 'claude', 'gemini']);
    expect(config.providers.claude?.breaker).toEqual({
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingWindowMs: 60_000,
      resetTimeoutMs: 30_000,
      quorum: 1,
      successThreshold: 1,
    });
    expect(config.providers.claude?.timeoutMs).toBe(60_000);
    expect(config.pricing['gpt-4.1-mini']).toEqual({ input: 0.4, output: 1.6 });
    expect(secrets.get('openai')?.reveal()).toBe('sk-o');
    expect(secrets.has('local')).toBe(false);
    expect(JSON.stringify(config)).not.toContain('sk-o');
    expect(JSON.stringify([...secrets.values()])).not.toContain('sk-o');
  });

  it('accepts JSON, which is YAML', () => {
    const json = JSON.stringify({
      providers: { sim: { type: 'simulated' } },
      routes: { default: [{ provider: 'sim', model: 'm' }] },
    });
    expect(parseConfigText(json, 'test.json', {}).config.queue).toEqual({
      name: 'breakwater',
      concurrency: 50,
      shards: 1,
      attempts: 5,
      backoffMs: 1000,
      deferralSafetyMs: 60_000,
      wakeRampIntervalMs: 250,
      lockDurationMs: 60_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 2,
      keepCompleted: { ageSeconds: 7 * 24 * 3600 },
      keepFailed: { ageSeconds: 30 * 24 * 3600 },
    });
  });

  it('uses BREAKWATER_CONFIG, else ./breakwater.yaml, else the keyless built-in default', () => {
    const dir = tempDir('config');
    expect(loadConfig({ env: {}, cwd: dir }).source).toBe('built-in default');
    const builtIn = loadConfig({ env: {}, cwd: dir }).config;
    expect(Object.values(builtIn.providers).every((provider) => provider.type === 'simulated')).toBe(true);

    writeFileSync(
      join(dir, 'breakwater.yaml'),
      'providers: { s: { type: simulated } }\nroutes: { default: [{ provider: s, model: m }] }\n',
    );
    expect(loadConfig({ env: {}, cwd: dir }).source).toBe(join(dir, 'breakwater.yaml'));

    writeFileSync(join(dir, 'other.yaml'), fullExample);
    expect(loadConfig({ env: { ...keys, BREAKWATER_CONFIG: 'other.yaml' }, cwd: dir }).source).toBe(
      join(dir, 'other.yaml'),
    );
    expect(() => loadConfig({ env: { BREAKWATER_CONFIG: 'missing.yaml' }, cwd: dir })).toThrow(
      /BREAKWATER_CONFIG: file .*missing.yaml does not exist/,
    );
  });
});

describe('refusing a bad config, naming the key and the fix', () => {
  it('an unknown provider type', () => {
    expect(problems(fullExample.replace('type: anthropic', 'type: antropic'))).toEqual([
      'providers.claude.type: unknown provider type "antropic"; use one of openai, anthropic, google, openai-compatible, simulated',
    ]);
  });

  it('a route naming an unknown provider', () => {
    expect(problems(fullExample.replace('{ provider: gemini,', '{ provider: gemeni,'))).toEqual([
      'routes.default.2.provider: unknown provider "gemeni"; define it under providers (known: openai, claude, gemini, local)',
    ]);
  });

  it('a missing key variable', () => {
    const { ANTHROPIC_API_KEY: _, ...rest } = keys;
    expect(problems(fullExample, rest)).toEqual([
      'providers.claude.apiKeyEnv: ANTHROPIC_API_KEY is not set; export ANTHROPIC_API_KEY=<your key> or remove provider "claude" from the config',
    ]);
  });

  it('the conventional key variable when apiKeyEnv is omitted', () => {
    const text = 'providers: { o: { type: openai } }\nroutes: { default: [{ provider: o, model: m }] }';
    expect(problems(text, {})).toEqual([
      'providers.o.apiKeyEnv: OPENAI_API_KEY is not set; export OPENAI_API_KEY=<your key> or remove provider "o" from the config',
    ]);
  });

  it('bad numbers', () => {
    expect(problems(fullExample.replace('volumeThreshold: 5', 'volumeThreshold: -2'))).toEqual([
      'providers.openai.breaker.volumeThreshold: must be > 0',
    ]);
    expect(problems(fullExample.replace('timeoutMs: 60000', 'timeoutMs: "sixty"'))).toEqual([
      'providers.openai.timeoutMs: must be a number (milliseconds)',
    ]);
    expect(
      problems(fullExample.replace('errorThresholdPercentage: 50', 'errorThresholdPercentage: 150')),
    ).toEqual(['providers.openai.breaker.errorThresholdPercentage: must be between 1 and 100']);
    expect(problems(fullExample.replace('concurrency: 50', 'concurrency: 2.5'))).toEqual([
      'queue.concurrency: must be a whole number',
    ]);
  });

  it('unknown keys, an undefined default route, a compatible provider without baseURL, bad YAML', () => {
    expect(problems(fullExample.replace('timeoutMs: 60000', 'timeoutMS: 60000'))).toEqual([
      'providers.openai: unknown key(s) timeoutMS; check the spelling against the README',
    ]);
    expect(problems(fullExample.replace('defaultRoute: default', 'defaultRoute: cheap'))).toEqual([
      'defaultRoute: route "cheap" is not defined under routes (known: default)',
    ]);
    expect(
      problems(
        fullExample.replace(
          '{ type: openai-compatible, baseURL: http://127.0.0.1:8000/v1 }',
          '{ type: openai-compatible }',
        ),
      ),
    ).toEqual([
      'providers.local.baseURL: an openai-compatible provider needs its baseURL, e.g. http://127.0.0.1:8000/v1',
    ]);
    expect(problems('providers: [unclosed')[0]).toMatch(/^\(file\): not valid YAML/);
  });

  it('reports every problem at once, and the message lists them', () => {
    const text = fullExample
      .replace('type: anthropic', 'type: nope')
      .replace('concurrency: 50', 'concurrency: 0');
    expect(problems(text)).toHaveLength(2);
    try {
      parseConfigText(text, 'test.yaml', keys);
    } catch (error) {
      expect(String(error)).toContain('invalid configuration (test.yaml):\n  providers.claude.type:');
    }
  });

  it('retention, webhooks and cache settings name the key and the fix', () => {
    const base =
      'providers: { sim: { type: simulated } }\nroutes: { default: [{ provider: sim, model: m }] }\n';
    expect(problems(`${base}queue: { keepCompleted: {} }`)).toEqual([
      'queue.keepCompleted: give ageSeconds, count or both (how long, or how many completed jobs are kept)',
    ]);
    expect(problems(`${base}queue: { keepFailed: { ageSeconds: 0 } }`)).toEqual([
      'queue.keepFailed.ageSeconds: must be > 0',
    ]);
    expect(problems(`${base}webhooks: { url: 'ftp://example.com/x' }`)).toEqual([
      'webhooks.url: must be an absolute http(s) URL',
    ]);
    expect(problems(`${base}cache: { ttlSeconds: -1 }`)).toEqual(['cache.ttlSeconds: must be >= 0']);
    const parsed = parseConfigText(`${base}queue: { keepCompleted: { count: 1000 } }`, 'test.yaml', {});
    expect(parsed.config.queue.keepCompleted).toEqual({ count: 1000 });
    expect(parsed.config.cache).toEqual({ ttlSeconds: 0, staleIfAllOpenSeconds: 0 });
  });
});
