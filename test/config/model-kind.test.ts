import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { modelKind } from '../../src/config/model-kind.js';

describe('model kinds', () => {
  it.each([
    ['text-embedding-3-small', 'embed'],
    ['gemini-embedding-001', 'embed'],
    ['nomic-embed-text', 'embed'],
    ['gpt-4.1-mini', 'complete'],
    ['claude-haiku-4-5', 'complete'],
  ])('%s is a %s model', (model, kind) => {
    expect(modelKind(model)).toBe(kind);
  });
});

describe('routes of embedding models, checked at startup', () => {
  const providers = {
    openai: { type: 'simulated', wire: 'openai' },
    claude: { type: 'simulated', wire: 'anthropic' },
  };
  const problems = (routes: Record<string, unknown>) => {
    try {
      validateConfig(
        { providers, routes: { default: [{ provider: 'openai', model: 'gpt-4.1-mini' }], ...routes } },
        'test',
        {},
      );
      return [];
    } catch (error) {
      return (error as { problems: { path: string; message: string }[] }).problems;
    }
  };

  it('a route mixing completion and embedding models is a config error naming the entry', () => {
    expect(
      problems({
        mixed: [
          { provider: 'openai', model: 'text-embedding-3-small' },
          { provider: 'openai', model: 'gpt-4.1-mini' },
        ],
      }),
    ).toEqual([
      {
        path: 'routes.mixed.1.model',
        message: expect.stringMatching(/cannot mix completion and embedding models/),
      },
    ]);
  });

  it('an embedding model on an Anthropic provider is a config error naming the provider', () => {
    expect(problems({ vectors: [{ provider: 'claude', model: 'voyage-embed-3' }] })).toEqual([
      {
        path: 'routes.vectors.0.provider',
        message: expect.stringMatching(/Anthropic, which has no embedding models/),
      },
    ]);
  });

  it('a route of embedding models alone is accepted', () => {
    expect(problems({ vectors: [{ provider: 'openai', model: 'text-embedding-3-small' }] })).toEqual([]);
  });
});
