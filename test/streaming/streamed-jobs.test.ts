import { afterEach, describe, expect, it } from 'vitest';
import { BreakwaterClient } from '../../src/client/index.js';
import type { BreakwaterEvent, CompletionJobResult, JobView } from '../../src/contract/index.js';
import { ApiHarness } from '../support/api-harness.js';
import { startProcess } from '../support/child-process.js';
import { EventClient } from '../support/event-client.js';

let harness: ApiHarness;
let events: EventClient | undefined;
afterEach(async () => {
  events?.close();
  events = undefined;
  await harness.stop();
});

const prompt =
  'Summarise the night: the tide rose over the outer wall, the boats held at their moorings, and the keeper logged it.';

async function streamed(job: Record<string, unknown>) {
  events = await EventClient.connect(`${harness.api.url.replace('http', 'ws')}/v1/events`);
  const { id } = (await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt, stream: true, ...job }))
    .body;
  const mine = (message: Record<string, unknown>) => message.type === 'job' && message.jobId === id;
  await expect
    .poll(() => events?.of((message) => mine(message) && message.event === 'completed').length, {
      timeout: 15_000,
    })
    .toBe(1);
  const view = (await harness.request<JobView>('GET', `/v1/jobs/${id}`)).body;
  return { view, result: view.result as CompletionJobResult, messages: events.of(mine) };
}

const joined = (deltas: Record<string, unknown>[]) => deltas.map((delta) => delta.text).join('');

describe('streamed jobs (stream: true)', () => {
  it.each([
    ['openai', 'primary', 'gpt-4.1-mini'],
    ['anthropic', 'secondary', 'claude-haiku-4-5'],
    ['google', 'tertiary', 'gemini-2.5-flash'],
  ])(
    'on the %s wire: deltas arrive before the job completes and join into its text',
    async (_wire, provider, model) => {
      harness = await new ApiHarness({ worker: true }).start();
      harness.simulator.configure(provider, { stream: { chunkDelayMs: 25 } });
      const { view, result, messages } = await streamed({ chain: [{ provider, model }] });
      expect(view.state).toBe('completed');
      const deltas = messages.filter((message) => message.event === 'delta');
      // Words 25 ms apart, deltas at most every 100 ms (the last one goes out as the call ends).
      expect(deltas.length).toBeGreaterThanOrEqual(2);
      const times = deltas.map((delta) => Date.parse(String(delta.at)));
      for (let index = 1; index < times.length - 1; index++) {
        expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(100);
      }
      const completedAt = messages.findIndex((message) => message.event === 'completed');
      expect(messages.findLastIndex((message) => message.event === 'delta')).toBeLessThan(completedAt);
      expect(joined(deltas)).toBe(result.text);
      const firstAt = Date.parse(String(deltas[0]?.at));
      const lastAt = Date.parse(String(deltas.at(-1)?.at));
      console.info(
        `stream (${provider}): ${deltas.length} deltas for ${result.text.split(' ').length} words, ${lastAt - firstAt} ms from first to last`,
      );
      expect(result.text).toMatch(new RegExp(`^Simulated reply from ${provider} `));
      let offset = 0;
      for (const delta of deltas) {
        expect(delta).toMatchObject({ provider, model, offset });
        offset += String(delta.text).length;
      }
      expect(result).toMatchObject({ provider, model, finishReason: 'stop' });
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(messages.some((message) => message.event === 'restart')).toBe(false);
      const call = harness.simulator.stats(provider).recent.at(-1);
      expect(call?.outcome).toBe('ok');
      expect(provider === 'tertiary' ? call?.path : JSON.stringify(call?.body)).toMatch(
        provider === 'tertiary' ? /:streamGenerateContent$/ : /"stream":true/,
      );
    },
  );

  it('a stream cut after 3 chunks: a restart, then the next entry streams, and the result is its text only', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    harness.simulator.configure('primary', { stream: { chunkDelayMs: 40, failAfterChunks: 3 } });
    harness.simulator.configure('secondary', { stream: { chunkDelayMs: 25 } });
    const { result, messages } = await streamed({});
    const ofJob = messages.filter((message) => message.event === 'delta' || message.event === 'restart');
    const restartAt = ofJob.findIndex((message) => message.event === 'restart');
    expect(restartAt).toBeGreaterThan(0);
    const before = ofJob.slice(0, restartAt);
    const after = ofJob.slice(restartAt + 1);
    expect(before.every((delta) => delta.event === 'delta' && delta.provider === 'primary')).toBe(true);
    expect(joined(before)).toMatch(/^Simulated /);
    expect(ofJob[restartAt]).toMatchObject({
      event: 'restart',
      provider: 'secondary',
      model: 'claude-haiku-4-5',
      reason: expect.stringContaining('the stream broke midway'),
      voided: { provider: 'primary', model: 'gpt-4.1-mini' },
    });
    expect(after.every((delta) => delta.event === 'delta' && delta.provider === 'secondary')).toBe(true);
    expect(after[0]).toMatchObject({ offset: 0 });
    expect(joined(after)).toBe(result.text);
    expect(result).toMatchObject({ provider: 'secondary', fallbackUsed: true });
    expect(result.text).toMatch(/^Simulated reply from secondary /);
    expect(result.text).not.toContain('primary');
    expect(harness.simulator.stats('primary').recent.at(-1)?.outcome).toBe('stream-cut');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['primary', 'retryable'],
      ['secondary', 'ok'],
    ]);
  });

  it('a race streams both calls; the loser, aborted after sending text, is voided in favour of the winner', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    // The primary sends its first word at once, then one every 200 ms; the secondary all of its
    // words in about 300 ms: it wins, after the primary has sent text.
    harness.simulator.configure('primary', { stream: { chunkDelayMs: 200 } });
    harness.simulator.configure('secondary', { stream: { chunkDelayMs: 15 } });
    const { result, messages } = await streamed({ strategy: 'race' });
    expect(result).toMatchObject({ provider: 'secondary' });
    const deltas = messages.filter((message) => message.event === 'delta');
    expect(joined(deltas.filter((delta) => delta.provider === 'secondary'))).toBe(result.text);
    expect(deltas.some((delta) => delta.provider === 'primary')).toBe(true);
    const restarts = messages.filter((message) => message.event === 'restart');
    expect(restarts).toEqual([
      expect.objectContaining({
        voided: { provider: 'primary', model: 'gpt-4.1-mini' },
        provider: 'secondary',
      }),
    ]);
    const completedAt = messages.findIndex((message) => message.event === 'completed');
    expect(messages.indexOf(restarts[0] as Record<string, unknown>)).toBeLessThan(completedAt);
    // The aborted loser counts as neither success nor failure for its breaker.
    expect(harness.circuits.get('primary').stats().failures).toBe(0);
  });

  it('refuses stream with output or on an embedding', async () => {
    harness = await new ApiHarness().start();
    const refused = await harness.request<{ error: { fields: { path: string }[] } }>('POST', '/v1/jobs', {
      prompt: 'x',
      stream: true,
      output: { schema: { type: 'object' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((field) => field.path)).toEqual(['stream']);
  });

  it("the client's events() and `breakwater status <id> --follow` show the text as it is generated", async () => {
    // No worker yet: the job waits until both watchers are subscribed, however slow the machine.
    harness = await new ApiHarness().start();
    harness.simulator.configure('primary', { stream: { chunkDelayMs: 25 } });
    const client = new BreakwaterClient({ url: harness.api.url });
    const { id } = await client.enqueue({
      prompt,
      stream: true,
      chain: [{ provider: 'primary', model: 'gpt-4.1-mini' }],
    });
    const seen: BreakwaterEvent[] = [];
    const subscription = await client.events((event) => seen.push(event), { jobId: id });
    const follow = startProcess(process.execPath, ['scripts/breakwater.js', 'status', id, '--follow'], {
      BREAKWATER_URL: harness.api.url,
    });
    try {
      await expect.poll(() => follow.output(), { timeout: 15_000 }).toContain('[waiting]');
      await harness.startWorker();
      expect(await follow.exited).toBe(0);
      const job = await client.get(id);
      const text = (job.result as CompletionJobResult).text;
      const deltas = seen.filter((event) => event.type === 'job' && event.event === 'delta');
      expect(deltas.length).toBeGreaterThanOrEqual(2);
      expect(deltas.map((event) => ('text' in event ? event.text : '')).join('')).toBe(text);
      const printed = follow.output();
      // The text live, then the finished job as JSON.
      expect(printed.indexOf(text)).toBeGreaterThan(printed.indexOf('[waiting]'));
      expect(printed.indexOf(text)).toBeLessThan(printed.indexOf('"state": "completed"'));
    } finally {
      subscription.close();
    }
  });
});
