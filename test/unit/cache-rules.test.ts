import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson } from '../../src/cache/cache-key.js';
import { cachePolicy, freshness } from '../../src/cache/cache-policy.js';

const chain = [
  { provider: 'openai', model: 'gpt-4.1-mini' },
  { provider: 'anthropic', model: 'claude-haiku-4-5' },
];
const job = { prompt: 'hi', system: 'be brief', maxTokens: 10, temperature: 0 };

describe('cacheKey', () => {
  it('is the same for jobs that differ only in what does not decide the answer', () => {
    const key = cacheKey(job, chain);
    expect(
      cacheKey({ ...job, metadata: { user: 7 }, priority: 1, idempotencyKey: 'x' } as typeof job, chain),
    ).toBe(key);
    expect(
      cacheKey(
        job,
        chain.map((entry) => ({ ...entry, timeoutMs: 5 })),
      ),
    ).toBe(key);
  });

  it.each([
    ['the prompt', { ...job, prompt: 'hello' }],
    ['the system', { ...job, system: 'be long' }],
    ['maxTokens', { ...job, maxTokens: 11 }],
    ['temperature', { ...job, temperature: 0.5 }],
    [
      'messages instead of a prompt',
      { ...job, prompt: undefined, messages: [{ role: 'user', content: 'hi' }] },
    ],
    ['an output schema', { ...job, output: { schema: { type: 'object' } } }],
    [
      'an image in a message',
      {
        ...job,
        prompt: undefined,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hi' },
              { type: 'image', url: 'https://x/y.png' },
            ],
          },
        ],
      },
    ],
  ])('changes with %s', (_what, other) => {
    expect(cacheKey(other, chain)).not.toBe(cacheKey(job, chain));
  });

  it('changes with the chain, its order included', () => {
    expect(cacheKey(job, [...chain].reverse())).not.toBe(cacheKey(job, chain));
    expect(cacheKey(job, chain.slice(0, 1))).not.toBe(cacheKey(job, chain));
  });

  it('reads a schema whatever its key order', () => {
    const a = { ...job, output: { schema: { type: 'object', properties: { x: { type: 'string' } } } } };
    const b = { ...job, output: { schema: { properties: { x: { type: 'string' } }, type: 'object' } } };
    expect(cacheKey(a, chain)).toBe(cacheKey(b, chain));
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined }] })).toBe('{"a":[2,{"d":3}],"b":1}');
  });
});

describe('cachePolicy and freshness', () => {
  const config = { ttlSeconds: 60, staleIfAllOpenSeconds: 600 };

  it('the config turns it on; a job opts out or sets its own TTL; 0 is off', () => {
    expect(cachePolicy({}, config)).toEqual({
      kind: 'on',
      ttlMs: 60_000,
      staleMs: 600_000,
      acceptStale: false,
    });
    expect(cachePolicy({ cache: false }, config)).toEqual({ kind: 'off' });
    expect(
      cachePolicy({ cache: { ttlSeconds: 5 }, acceptStale: true }, { ...config, ttlSeconds: 0 }),
    ).toEqual({
      kind: 'on',
      ttlMs: 5_000,
      staleMs: 600_000,
      acceptStale: true,
    });
    expect(cachePolicy({}, { ...config, ttlSeconds: 0 })).toEqual({ kind: 'off' });
    expect(cachePolicy({ cache: { ttlSeconds: 0 } }, config)).toEqual({ kind: 'off' });
    expect(cachePolicy({ kind: 'embed' }, config)).toEqual({ kind: 'off' });
    expect(cachePolicy({ kind: 'complete' }, config)).toMatchObject({ kind: 'on' });
  });

  it('an answer is fresh within the TTL, stale within the stale window after it, then expired', () => {
    const policy = { kind: 'on', ttlMs: 1_000, staleMs: 500, acceptStale: true } as const;
    expect(freshness(10_000, policy, 10_999)).toBe('fresh');
    expect(freshness(10_000, policy, 11_000)).toBe('stale');
    expect(freshness(10_000, policy, 11_499)).toBe('stale');
    expect(freshness(10_000, policy, 11_500)).toBe('expired');
  });
});
