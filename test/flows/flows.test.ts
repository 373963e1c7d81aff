import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakwaterClient } from '../../src/client/index.js';
import type { AcceptedFlow, FlowStepView, FlowView, JobView } from '../../src/contract/index.js';
import { ApiHarness } from '../support/api-harness.js';
import { startProcess } from '../support/child-process.js';
import { EventClient } from '../support/event-client.js';
import { tempDir } from '../support/temp-dir.js';
import { withResetTimeout } from '../support/worker-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

const chunks = ['tides', 'storms', 'the wall', 'the harbour', 'the boats', 'the keeper'];

/** Six chunk summaries on `solo` (the Gemini wire), then one summary of them on `primary`. */
function mapReduce() {
  return {
    name: 'harbour report',
    root: {
      id: 'final',
      chain: [{ provider: 'primary', model: 'gpt-4.1-mini' }],
      prompt: `Combine these summaries: ${chunks.map((_, index) => `[{{steps.chunk${index}.text}}]`).join(' ')}`,
      children: chunks.map((chunk, index) => ({
        id: `chunk${index}`,
        route: 'solo',
        prompt: `Summarise chunk ${index}: a paragraph on ${chunk}.`,
      })),
    },
  };
}

async function flowWhen(id: string, done: (flow: FlowView) => boolean, timeout = 15_000): Promise<FlowView> {
  let latest: FlowView | undefined;
  await expect
    .poll(
      async () => {
        latest = (await harness.request<FlowView>('GET', `/v1/flows/${id}`)).body;
        return done(latest);
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  if (!latest) throw new Error('no flow read');
  return latest;
}

const textOf = (step: FlowStepView) => (step.result && 'text' in step.result ? step.result.text : undefined);

describe('multi-step flows', () => {
  it('six summaries and a final one: the final request carries the six texts, and the tree shows', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const submitted = await harness.request<AcceptedFlow>('POST', '/v1/flows', mapReduce());
    expect(submitted.status).toBe(202);
    const { id, jobs } = submitted.body;
    const started = Date.now();
    expect(id).toMatch(/^flow-[0-9a-f]{32}$/);
    expect(jobs.final).toBe(id);
    expect(jobs.chunk3).toBe(`${id}-chunk3`);

    const flow = await flowWhen(id, (view) => view.state === 'completed');
    console.info(`flow: 6 summaries and a final one completed within ${Date.now() - started} ms`);
    expect(flow).toMatchObject({ id, name: 'harbour report', state: 'completed' });
    expect(flow.root.id).toBe('final');
    expect(flow.root.children.map((step) => [step.id, step.state])).toEqual(
      chunks.map((_, index) => [`chunk${index}`, 'completed']),
    );
    const childTexts = flow.root.children.map((step) => textOf(step) ?? '');
    for (const [index, text] of childTexts.entries()) {
      expect(text).toContain(`Summarise chunk ${index}`);
      expect(flow.root.children[index]?.result).toMatchObject({ provider: 'tertiary' });
    }
    expect(flow.root.result).toMatchObject({ provider: 'primary' });

    // The simulator's own record of the final call: its prompt holds each child's answer in full.
    const finalCalls = harness.simulator
      .stats('primary')
      .recent.filter((call) => call.headers['x-breakwater-job-id'] === id);
    expect(finalCalls).toHaveLength(1);
    const sent = JSON.stringify(finalCalls[0]?.body);
    for (const text of childTexts) expect(sent).toContain(`[${text}]`);
    expect(sent).not.toContain('{{steps.');
    // Each step is an ordinary job too.
    const step = await harness.request<JobView>('GET', `/v1/jobs/${jobs.chunk2}`);
    expect(step.body).toMatchObject({ id: jobs.chunk2, state: 'completed' });
  });

  it("with the children's provider down they defer, the root waits, nothing fails; all complete after recovery", async () => {
    // A 3 s open period: the children meet the breaker open, and no probe fails while it is down.
    harness = await new ApiHarness({ worker: true, config: withResetTimeout(3_000) }).start();
    harness.simulator.configure('tertiary', { mode: { kind: 'down', status: 503 } });
    await Promise.all([1, 2].map(() => harness.add({ prompt: 'warm-up', route: 'solo' })));
    await expect
      .poll(() => harness.circuits.get('tertiary').availability().kind, { timeout: 10_000 })
      .toBe('open');
    const tertiaryCalls = harness.simulator.stats('tertiary').calls;

    const { id } = (await harness.request<AcceptedFlow>('POST', '/v1/flows', mapReduce())).body;
    const held = await flowWhen(id, (view) => view.root.children.every((step) => step.state === 'deferred'));
    expect(held.root.state).toBe('waiting');
    expect(held.state).toBe('waiting');
    expect(harness.simulator.stats('tertiary').calls).toBe(tertiaryCalls);

    harness.simulator.configure('tertiary', { mode: { kind: 'healthy' } });
    const flow = await flowWhen(id, (view) => view.state === 'completed' || view.state === 'failed', 20_000);
    expect(flow.state).toBe('completed');
    for (const step of flow.root.children) {
      expect(step.state).toBe('completed');
      const job = (await harness.request<JobView>('GET', `/v1/jobs/${step.jobId}`)).body;
      expect(job.deferrals).toBeGreaterThanOrEqual(1);
      expect(job.attempts).toBe(1);
    }
    const root = (await harness.request<JobView>('GET', `/v1/jobs/${id}`)).body;
    expect(root).toMatchObject({ deferrals: 0, attempts: 1 });
    expect(await harness.queue.getFailedCount()).toBe(0);
  });

  it('a failing child fails the flow with its reason; an optional one is read as empty', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    harness.simulator.configure('secondary', { rejectPattern: 'forbidden' });
    const flowOf = (optional: boolean) => ({
      root: {
        id: 'judge',
        chain: [{ provider: 'primary', model: 'gpt-4.1-mini' }],
        prompt: 'Judge: <{{steps.good.text}}> <{{steps.bad.text}}>',
        children: [
          { id: 'good', route: 'solo', prompt: 'draft a fine answer' },
          {
            id: 'bad',
            chain: [{ provider: 'secondary', model: 'claude-haiku-4-5' }],
            prompt: 'a forbidden draft',
            optional,
          },
        ],
      },
    });
    const events = await EventClient.connect(`${harness.api.url.replace('http', 'ws')}/v1/events`);
    const strict = (await harness.request<AcceptedFlow>('POST', '/v1/flows', flowOf(false))).body;
    const failed = await flowWhen(strict.id, (view) => view.state === 'failed');
    // The flow ends when its root does, with the root's own event.
    await expect
      .poll(() => events.of((message) => message.jobId === strict.id && message.event === 'failed').length)
      .toBe(1);
    events.close();
    expect(failed.error).toMatch(/^step bad failed: every provider rejected the request: secondary/);
    expect(failed.root.children.find((step) => step.id === 'bad')).toMatchObject({ state: 'failed' });
    expect(
      harness.simulator
        .stats('primary')
        .recent.some((call) => call.headers['x-breakwater-job-id'] === strict.id),
    ).toBe(false);

    const lenient = (await harness.request<AcceptedFlow>('POST', '/v1/flows', flowOf(true))).body;
    const done = await flowWhen(lenient.id, (view) => view.state === 'completed');
    expect(done.root.children.find((step) => step.id === 'bad')).toMatchObject({
      state: 'failed',
      optional: true,
    });
    const judged = harness.simulator
      .stats('primary')
      .recent.find((call) => call.headers['x-breakwater-job-id'] === lenient.id);
    const good = textOf(done.root.children.find((step) => step.id === 'good') as FlowStepView);
    expect(JSON.stringify(judged?.body)).toContain(`Judge: <${good}> <>`);
  });

  it('three models draft and a fourth judges, reading a structured verdict by path', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const drafts = [
      ['openai', 'primary', 'gpt-4.1-mini'],
      ['anthropic', 'secondary', 'claude-haiku-4-5'],
      ['google', 'tertiary', 'gemini-2.5-flash'],
    ] as const;
    const { id } = (
      await harness.request<AcceptedFlow>('POST', '/v1/flows', {
        root: {
          id: 'judge',
          chain: [{ provider: 'primary', model: 'gpt-4.1-mini' }],
          system: 'You judge drafts. The critic says: {{steps.critic.object.verdict}}',
          messages: [
            {
              role: 'user',
              content: drafts.map(([wire]) => `${wire}: {{steps.${wire}.text}}`).join('\n'),
            },
          ],
          children: [
            ...drafts.map(([wire, provider, model]) => ({
              id: wire,
              chain: [{ provider, model }],
              prompt: `Draft a headline about the storm (${wire})`,
            })),
            {
              id: 'critic',
              prompt: 'Give a verdict on storms',
              output: {
                schema: {
                  type: 'object',
                  properties: { verdict: { type: 'string', enum: ['harsh but fair'] } },
                  required: ['verdict'],
                  additionalProperties: false,
                },
              },
            },
          ],
        },
      })
    ).body;
    const flow = await flowWhen(id, (view) => view.state === 'completed');
    const judged = harness.simulator
      .stats('primary')
      .recent.find((call) => call.headers['x-breakwater-job-id'] === id);
    const sent = JSON.stringify(judged?.body);
    expect(sent).toContain('The critic says: harsh but fair');
    for (const [wire, provider] of drafts) {
      const step = flow.root.children.find((child) => child.id === wire) as FlowStepView;
      expect(step.result).toMatchObject({ provider });
      expect(sent).toContain(`${wire}: ${textOf(step)}`);
    }
  });

  it('with the result cache on, a step that reads its children is never served from it', async () => {
    harness = await new ApiHarness({
      worker: true,
      config: (base) => ({ ...base, cache: { ttlSeconds: 600 } }),
    }).start();
    const flowAbout = (topic: string) => ({
      root: {
        id: 'final',
        prompt: 'Summarise: {{steps.part.text}}',
        children: [{ id: 'part', prompt: `Describe ${topic}` }],
      },
    });
    const finalText = async (topic: string) => {
      const { id } = (await harness.request<AcceptedFlow>('POST', '/v1/flows', flowAbout(topic))).body;
      return textOf((await flowWhen(id, (view) => view.state === 'completed')).root) ?? '';
    };
    const tides = await finalText('the tides');
    const storms = await finalText('the storms');
    expect(tides).toContain('the tides');
    expect(storms).toContain('the storms');
    // The children themselves are ordinary jobs: the same prompt again is a cache hit.
    const again = (await harness.request<AcceptedFlow>('POST', '/v1/flows', flowAbout('the tides'))).body;
    const view = await flowWhen(again.id, (flow) => flow.state === 'completed');
    expect(view.root.children[0]?.result).toMatchObject({ cached: true });
    expect(view.root.result).not.toHaveProperty('cached');
  });

  it('refuses a bad flow with 400 naming the path; an unknown flow is 404', async () => {
    harness = await new ApiHarness().start();
    const refused = await harness.request<{ error: { fields: { path: string; message: string }[] } }>(
      'POST',
      '/v1/flows',
      {
        root: {
          id: 'a',
          prompt: '{{steps.ghost.text}}',
          children: [
            { id: 'b', prompt: 'x', maxTokens: -1 },
            { id: 'b', prompt: 'y' },
          ],
        },
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((field) => field.path)).toEqual([
      'root.children.0.maxTokens',
      'root.children.1.id',
    ]);
    expect((await harness.request('GET', '/v1/flows/flow-0123456789abcdef0123456789abcdef')).status).toBe(
      404,
    );
    expect((await harness.request('GET', '/v1/flows/nonsense')).status).toBe(404);
    expect(await harness.queue.count()).toBe(0);

    // No worker here: a flow that has not started is cancelled whole through its root's job id.
    const { id } = (await harness.request<AcceptedFlow>('POST', '/v1/flows', mapReduce())).body;
    expect(await harness.queue.count()).toBe(7);
    expect((await harness.request('DELETE', `/v1/jobs/${id}`)).status).toBe(200);
    expect(await harness.queue.count()).toBe(0);
    const gone = (await harness.request<FlowView>('GET', `/v1/flows/${id}`)).body;
    expect([gone.state, ...gone.root.children.map((step) => step.state)]).toEqual(Array(7).fill('unknown'));
  });
});

describe('flows from the client and the CLI', () => {
  it('submitFlow and flow(id); `breakwater flow file.json --wait` prints the ended tree', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const client = new BreakwaterClient({ url: harness.api.url });
    const flow = {
      root: {
        id: 'judge',
        prompt: 'Judge {{steps.a.text}} against {{steps.b.text}}',
        children: [
          { id: 'a', prompt: 'draft A', route: 'solo' },
          { id: 'b', prompt: 'draft B' },
        ],
      },
    };
    const accepted = await client.submitFlow(flow);
    const ended = await client.wait(accepted.id);
    expect(ended.state).toBe('completed');
    const view = await client.flow(accepted.id);
    expect(view.root.children.map((step) => step.state)).toEqual(['completed', 'completed']);

    const file = join(tempDir('flow'), 'flow.json');
    writeFileSync(file, JSON.stringify(flow));
    const running = startProcess(process.execPath, ['scripts/breakwater.js', 'flow', file, '--wait'], {
      BREAKWATER_URL: harness.api.url,
    });
    expect(await running.exited).toBe(0);
    const printed = JSON.parse(running.stdout()) as FlowView;
    expect(printed).toMatchObject({ state: 'completed', root: { id: 'judge', state: 'completed' } });
  });
});
