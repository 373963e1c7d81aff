import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { APICallError, generateText } from 'ai';
import OpenAI, { RateLimitError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quotaExhaustionOf } from '../../src/providers/quota-error.js';
import { learnedLimitsOf } from '../../src/providers/rate-limit-headers.js';
import { parseRetryAfter } from '../../src/providers/retry-after.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

// The simulator's clock stands still unless a test moves it: buckets refill only when it does.
const t0 = Date.UTC(2026, 10, 29, 12, 0, 0);
let now = t0;
let simulator: ProviderSimulator;

beforeEach(async () => {
  now = t0;
  simulator = new ProviderSimulator({ now: () => now });
  await simulator.start();
});
afterEach(() => simulator.close());

const openai = () => new OpenAI({ baseURL: simulator.baseURL('lim', 'openai'), apiKey: 'k', maxRetries: 0 });
const ask = (client: OpenAI, maxTokens?: number) =>
  client.chat.completions.create({
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: 'hello there' }],
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function post(path: string, body: unknown) {
  return fetch(`${simulator.url}/lim${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
}
const anthropicBody = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const geminiBody = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

describe('simulated rate limits, seen through the official openai SDK', () => {
  it('sends the real headers on every answer and a 429 rate_limit_exceeded past the limit', async () => {
    simulator.configure('lim', { limits: { rpm: 120 } });
    const client = openai();
    const first = await ask(client).withResponse();
    expect(
      Object.fromEntries([...first.response.headers].filter(([name]) => name.startsWith('x-ratelimit'))),
    ).toEqual({
      'x-ratelimit-limit-requests': '120',
      'x-ratelimit-remaining-requests': '60',
      'x-ratelimit-reset-requests': '500ms',
    });
    await ask(client);
    const error = await rejection(ask(client));
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.type).toBe('requests');
    expect(limited.message).toMatch(
      /Rate limit reached for gpt-4\.1-mini in organization \S+ on requests per min \(RPM\): Limit 120, Used 120, Requested 1\. Please try again in 500ms\./,
    );
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset-requests')).toBe('1s');
    expect(learnedLimitsOf(Object.fromEntries(limited.headers), now)).toEqual({
      requests: { limit: 120, remaining: 0, resetAt: now + 1000 },
    });
    expect(simulator.stats('lim').outcomes).toEqual({ ok: 2, '429': 1 });

    now += 500;
    await expect(ask(client)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('charges tokens as input plus max_tokens, and lets a call larger than a second through a full bucket', async () => {
    // 600 tokens a minute: a bucket of 10, refilling 0.01 a millisecond. "hello there" is 3 tokens.
    simulator.configure('lim', { limits: { tpm: 600 } });
    const client = openai();
    const small = await ask(client, 5).withResponse();
    expect(small.response.headers.get('x-ratelimit-remaining-tokens')).toBe('120');
    expect(small.response.headers.get('x-ratelimit-reset-tokens')).toBe('800ms');
    const error = (await rejection(ask(client, 5))) as RateLimitError;
    expect(error.type).toBe('tokens');
    expect(error.message).toContain('on tokens per min (TPM): Limit 600, Used 480, Requested 8.');
    now += 800;
    // 3 + 57 = 60 tokens, six seconds of the limit: it passes a full bucket and leaves a debt of 50.
    const big = await ask(client, 57).withResponse();
    expect(big.response.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    expect(big.response.headers.get('x-ratelimit-reset-tokens')).toBe('6s');
    const next = (await rejection(ask(client, 5))) as RateLimitError;
    expect(next.headers.get('retry-after')).toBe('6');
  });

  it('keeps each model its own buckets and is set and cleared over the control API', async () => {
    const control = (body: unknown) =>
      fetch(`${simulator.url}/_control/providers/lim`, { method: 'PATCH', body: JSON.stringify(body) });
    expect((await control({ limits: { rpm: 60 } })).status).toBe(200);
    const client = openai();
    await ask(client);
    await expect(ask(client)).rejects.toBeInstanceOf(RateLimitError);
    await expect(
      client.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'x' }] }),
    ).resolves.toBeDefined();

    const bad = await control({ limits: { rpm: -1 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ problems: [{ path: 'limits.rpm' }] });

    expect((await control({ limits: null })).status).toBe(200);
    const free = await ask(client).withResponse();
    expect(free.response.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });

  it('answers insufficient_quota when the quota is spent: a 429 without Retry-After', async () => {
    simulator.configure('lim', { mode: { kind: 'quota-exhausted' } });
    const error = (await rejection(ask(openai()))) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('insufficient_quota');
    expect(error.type).toBe('insufficient_quota');
    expect(error.headers.get('retry-after')).toBeNull();
    // The SDK keeps the body's `error` member.
    expect(quotaExhaustionOf(error.status, { error: error.error }, now)?.reason).toMatch(
      /^insufficient_quota: /,
    );
  });
});

describe('simulated rate limits in the Anthropic and Gemini wire formats', () => {
  it('Anthropic: its four header sets with RFC 3339 resets, and a 429 rate_limit_error with Retry-After', async () => {
    simulator.configure('lim', { limits: { rpm: 60, tpm: 60_000 } });
    const ok = await post('/v1/messages', anthropicBody);
    expect(ok.status).toBe(200);
    const headers = Object.fromEntries(ok.headers);
    // 1 token of input and max_tokens 100 from a bucket of 1,000 refilling 1 a millisecond; the
    // reset is rounded up to the second.
    expect(learnedLimitsOf(headers, now)).toEqual({
      requests: { limit: 60, remaining: 0, resetAt: t0 + 1000 },
      tokens: { limit: 60_000, remaining: 53_940, resetAt: t0 + 1000 },
      inputTokens: { limit: 60_000, remaining: 53_940, resetAt: t0 + 1000 },
      outputTokens: { limit: 60_000, remaining: 53_940, resetAt: t0 + 1000 },
    });
    expect(headers['anthropic-ratelimit-requests-reset']).toBe('2026-11-29T12:00:01Z');

    const limited = await post('/v1/messages', anthropicBody);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(await limited.json()).toEqual({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: expect.stringMatching(
          /^This request would exceed the rate limit for your organization .* of 60 requests per minute\./,
        ),
      },
      request_id: expect.stringMatching(/^req_/),
    });
  });

  it('Anthropic through the AI SDK: the headers of a 429 reach the caller, and a spent credit balance is a 400', async () => {
    simulator.configure('lim', { limits: { rpm: 60 } });
    const model = createAnthropic({ baseURL: `${simulator.url}/lim/v1`, apiKey: 'k' })('claude-x');
    const call = () => generateText({ model, prompt: 'hi', maxOutputTokens: 100, maxRetries: 0 });
    const first = await call();
    expect(learnedLimitsOf(first.response.headers, now)?.requests).toEqual({
      limit: 60,
      remaining: 0,
      resetAt: t0 + 1000,
    });
    const error = await rejection(call());
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(parseRetryAfter(apiError.responseHeaders, apiError.responseBody, now)).toBe(1000);
    expect(quotaExhaustionOf(429, apiError.responseBody, now)).toBeUndefined();

    simulator.configure('lim', { mode: { kind: 'quota-exhausted' } });
    const spent = (await rejection(call())) as APICallError;
    expect(spent.statusCode).toBe(400);
    expect(quotaExhaustionOf(400, spent.responseBody, now)?.reason).toMatch(/credit balance/);
  });

  it('Gemini: no rate-limit headers, a per-minute RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo', async () => {
    simulator.configure('lim', { limits: { rpm: 60 } });
    const ok = await post('/v1beta/models/gemini-x:generateContent', geminiBody);
    expect(ok.status).toBe(200);
    expect(
      [...ok.headers.keys()].filter((name) => name.includes('ratelimit') || name === 'retry-after'),
    ).toEqual([]);
    const limited = await post('/v1beta/models/gemini-x:generateContent', geminiBody);
    expect(limited.status).toBe(429);
    const body = await limited.json();
    expect(body).toMatchObject({
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        details: expect.arrayContaining([
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              expect.objectContaining({
                quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
                quotaMetric: expect.stringMatching(/^generativelanguage\.googleapis\.com\//),
                quotaValue: '60',
              }),
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
        ]),
      },
    });
    expect(parseRetryAfter({}, body, now)).toBe(1000);
    expect(quotaExhaustionOf(429, body, now)).toBeUndefined();
  });

  it('Gemini through the AI SDK: a spent daily quota names its per-day quota, back at midnight Pacific', async () => {
    simulator.configure('lim', { mode: { kind: 'quota-exhausted' } });
    const model = createGoogleGenerativeAI({ baseURL: `${simulator.url}/lim/v1beta`, apiKey: 'k' })(
      'gemini-x',
    );
    const error = (await rejection(generateText({ model, prompt: 'hi', maxRetries: 0 }))) as APICallError;
    expect(error.statusCode).toBe(429);
    expect(quotaExhaustionOf(429, error.responseBody, now)).toEqual({
      reason: 'per-day quota GenerateRequestsPerDayPerProjectPerModel-FreeTier exhausted (limit 250)',
      // 12:00Z on 29 November is 04:00 PST.
      resetAt: Date.UTC(2026, 10, 30, 8, 0, 0),
    });
  });
});
