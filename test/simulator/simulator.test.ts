import { afterEach, describe, expect, it } from 'vitest';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

const openaiBody = (content: string) => ({ model: 'm', messages: [{ role: 'user', content }] });

async function call(simulator: ProviderSimulator, provider: string, content = 'hello') {
  const response = await fetch(`${simulator.baseURL(provider, 'openai')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify(openaiBody(content)),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

let simulator: ProviderSimulator;
afterEach(() => simulator.close());

describe('provider simulator', () => {
  it('is controlled over HTTP: set a fault, read counters, reset', async () => {
    simulator = new ProviderSimulator();
    const url = await simulator.start();
    const put = await fetch(`${url}/_control/providers/alpha`, {
      method: 'PUT',
      body: JSON.stringify({ mode: { kind: 'down', status: 503 } }),
    });
    expect(put.status).toBe(200);
    expect((await call(simulator, 'alpha')).status).toBe(503);
    expect((await call(simulator, 'beta')).status).toBe(200);

    const all = (await (await fetch(`${url}/_control/providers`)).json()) as Record<
      string,
      { calls: number; outcomes: Record<string, number> }
    >;
    expect(all.alpha?.outcomes).toEqual({ '503': 1 });
    expect(all.beta?.outcomes).toEqual({ ok: 1 });

    const bad = await fetch(`${url}/_control/providers/alpha`, {
      method: 'PUT',
      body: JSON.stringify({ mode: { kind: 'sideways' } }),
    });
    expect(bad.status).toBe(400);
    // zod's problems as data a script can read, not JSON escaped inside a string.
    expect(await bad.json()).toEqual({
      error: 'invalid profile patch',
      problems: [{ path: 'mode.kind', message: expect.any(String) }],
    });

    await fetch(`${url}/_control/reset`, { method: 'POST' });
    expect((await call(simulator, 'alpha')).status).toBe(200);
    expect(simulator.stats('alpha').calls).toBe(1);
  });

  it('timed outage windows start and end on the simulator clock', async () => {
    let now = 1_000_000;
    simulator = new ProviderSimulator({ now: () => now });
    await simulator.start();
    simulator.configure('alpha', { outages: [{ afterMs: 100, durationMs: 500, status: 502 }] });
    expect((await call(simulator, 'alpha')).status).toBe(200);
    now += 100;
    expect((await call(simulator, 'alpha')).status).toBe(502);
    now += 499;
    expect((await call(simulator, 'alpha')).status).toBe(502);
    now += 1;
    expect((await call(simulator, 'alpha')).status).toBe(200);
    expect(simulator.callsSince('alpha', 1_000_100)).toBe(3);
  });

  it('applies an error rate from its random source', async () => {
    const draws = [0.1, 0.9, 0.3, 0.7];
    let index = 0;
    simulator = new ProviderSimulator({ random: () => draws[index++ % draws.length]! });
    await simulator.start();
    simulator.configure('alpha', { errorRate: 0.5, errorStatus: 500 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(simulator, 'alpha')).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it('answers a malformed request with the provider’s own 400', async () => {
    simulator = new ProviderSimulator();
    await simulator.start();
    const response = await fetch(`${simulator.baseURL('alpha', 'anthropic')}/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });

  it('latency comes from the profile', async () => {
    simulator = new ProviderSimulator({ random: () => 0.5 });
    await simulator.start();
    simulator.configure('alpha', { latencyMs: { min: 100, max: 200 } });
    const started = performance.now();
    await call(simulator, 'alpha');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('/_control/jobs counts a call repeated at a provider that had served it, not a fallback or a retry', async () => {
    simulator = new ProviderSimulator();
    const url = await simulator.start();
    const callAs = (provider: string, jobId: string) =>
      fetch(`${simulator.baseURL(provider, 'openai')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-breakwater-job-id': jobId },
        body: JSON.stringify(openaiBody('hello')),
      }).then((response) => response.status);
    simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    // Job 1: the primary fails, the fallback serves it — the breaker doing its job.
    expect(await callAs('primary', '1')).toBe(503);
    expect(await callAs('secondary', '1')).toBe(200);
    // Job 2: the primary fails, then a retry on it succeeds — not a repeat either.
    expect(await callAs('primary', '2')).toBe(503);
    simulator.configure('primary', { mode: { kind: 'healthy' } });
    expect(await callAs('primary', '2')).toBe(200);
    // Job 3: served, then called again (a worker died before it recorded the result).
    expect(await callAs('primary', '3')).toBe(200);
    expect(await callAs('primary', '3')).toBe(200);

    const jobs = (await (await fetch(`${url}/_control/jobs`)).json()) as unknown;
    expect(jobs).toEqual({ jobs: 3, repeated: { '3': { primary: 1 } } });
    expect(simulator.callsByJob().get('1')).toBe(2);
  });

  it('speaks Anthropic on a 503: overloaded, as Anthropic does, and streams message events when asked', async () => {
    simulator = new ProviderSimulator();
    await simulator.start();
    simulator.configure('claude', { mode: { kind: 'down', status: 503 } });
    const post = (body: Record<string, unknown>) =>
      fetch(`${simulator.baseURL('claude', 'anthropic')}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, ...body }),
      });
    const unavailable = await post({ messages: [{ role: 'user', content: 'hi' }] });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    simulator.configure('claude', { mode: { kind: 'healthy' } });
    const streamed = await post({ messages: [{ role: 'user', content: 'hi there' }], stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    const events = [...(await streamed.text()).matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events.filter((event) => event === 'content_block_delta').length).toBeGreaterThan(3);
  });

  it.each([
    ['openai', '/chat/completions', {}],
    ['anthropic', '/messages', { max_tokens: 64 }],
    ['google', '/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {}],
  ] as const)(
    'streams on the %s wire, and cuts the connection after K pieces when told to',
    async (wire, path, extra) => {
      simulator = new ProviderSimulator();
      const url = await simulator.start();
      const body =
        wire === 'google'
          ? { contents: [{ role: 'user', parts: [{ text: 'one two three four five' }] }] }
          : {
              model: 'm',
              messages: [{ role: 'user', content: 'one two three four five' }],
              stream: true,
              ...extra,
            };
      const post = () =>
        fetch(`${simulator.baseURL('p', wire)}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'x-api-key': 'k' },
          body: JSON.stringify(body),
        });
      const whole = await (await post()).text();
      const frames = whole.split('\n\n').filter(Boolean);
      expect(frames.length).toBeGreaterThan(8);
      expect(frames.every((frame) => /^(event: \S+\n)?data: /.test(frame))).toBe(true);
      expect(simulator.stats('p').outcomes).toEqual({ ok: 1 });

      await fetch(`${url}/_control/providers/p`, {
        method: 'PUT',
        body: JSON.stringify({ stream: { chunkDelayMs: 0, failAfterChunks: 3 } }),
      });
      const cut = await post();
      expect(cut.status).toBe(200);
      await expect(cut.text()).rejects.toThrow();
      await expect.poll(() => simulator.stats('p').outcomes).toEqual({ ok: 1, 'stream-cut': 1 });
    },
  );
});
