import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';

const env = { OPENAI_API_KEY: 'sk-openai-key', ANTHROPIC_API_KEY: 'sk-anthropic' };

function problems(text: string) {
  try {
    parseConfigText(text, 'test.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('batch config', () => {
  it('a batch entry takes the provider batch defaults, overridable per provider', () => {
    const { config } = parseConfigText(
      `
providers:
  openai: { type: openai, batch: { maxJobs: 400, pollIntervalMs: 5000 } }
routes:
  default:
    - { provider: openai, model: gpt-4.1-mini, batch: true }
    - { provider: openai, model: gpt-4.1-mini }
pricing:
  gpt-4.1-mini: { input: 0.4, output: 1.6, batchInput: 0.1 }
`,
      'test.yaml',
      env,
    );
    expect(config.providers.openai?.batch).toEqual({
      maxJobs: 400,
      maxWaitMs: 60_000,
      pollIntervalMs: 5_000,
      windowMs: 86_400_000,
    });
    expect(config.routes.default?.[0]?.batch).toBe(true);
  });

  it('a batch entry on a provider without a batch wire is a startup error naming the key and the fix', () => {
    expect(
      problems(`
providers:
  local: { type: openai-compatible, baseURL: http://127.0.0.1:8000/v1 }
routes:
  default: [{ provider: local, model: llama-3, batch: true }]
`),
    ).toEqual([
      {
        path: 'routes.default.0.batch',
        message: expect.stringContaining('declare providers.local.batch.wire (openai)'),
      },
    ]);
    expect(
      problems(`
providers:
  local: { type: openai-compatible, baseURL: http://127.0.0.1:8000/v1, batch: { wire: openai } }
routes:
  default: [{ provider: local, model: llama-3, batch: true }]
`),
    ).toEqual([]);
  });

  it('bad batch settings name the key', () => {
    expect(
      problems(`
providers:
  openai: { type: openai, batch: { maxJobs: 0, wire: grpc } }
routes:
  default: [{ provider: openai, model: gpt-4.1-mini }]
`).map((problem) => problem.path),
    ).toEqual(['providers.openai.batch.maxJobs', 'providers.openai.batch.wire']);
  });
});
