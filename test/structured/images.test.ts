import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionJobResult } from '../../src/contract/job.js';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

/** A 1x1 transparent PNG. */
const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const pngBytes = Buffer.from(png, 'base64').length;

async function finished(h: WorkerHarness, ids: string[]) {
  await expect
    .poll(async () => (await h.states(ids)).every((state) => state === 'completed' || state === 'failed'), {
      timeout: 15_000,
      interval: 50,
    })
    .toBe(true);
  return Promise.all(ids.map((id) => h.job(id)));
}

function imageJob(provider: string, model: string, withUrl: boolean) {
  return {
    chain: [{ provider, model }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these pictures?' },
          { type: 'image', data: png, mediaType: 'image/png' },
          ...(withUrl ? [{ type: 'image', url: 'https://example.com/harbour.jpg' }] : []),
        ],
      },
    ],
  };
}

describe('image parts reach each provider in its own wire format', () => {
  it.each([
    ['primary', 'gpt-4.1-mini', 'image_url'],
    ['secondary', 'claude-haiku-4-5', 'image'],
  ])('%s (%s): an inline image and an image URL', async (provider, model, partType) => {
    harness = await new WorkerHarness().start();
    const job = await harness.add(imageJob(provider, model, true));
    const [done] = await finished(harness, [job.id!]);
    expect(await done?.getState()).toBe('completed');
    expect((done!.returnvalue as CompletionJobResult).text).toContain('What is in these pictures?');
    const call = harness.simulator.stats(provider).recent[0];
    expect(call?.images).toEqual([
      { source: 'inline', mediaType: 'image/png', bytes: pngBytes },
      { source: 'url', url: 'https://example.com/harbour.jpg' },
    ]);
    expect(JSON.stringify(call?.body)).toContain(`"type":"${partType}"`);
  });

  it('tertiary (Gemini): an inline image as inlineData', async () => {
    harness = await new WorkerHarness().start();
    const job = await harness.add(imageJob('tertiary', 'gemini-2.5-flash', false));
    const [done] = await finished(harness, [job.id!]);
    expect(await done?.getState()).toBe('completed');
    const call = harness.simulator.stats('tertiary').recent[0];
    expect(call?.images).toEqual([{ source: 'inline', mediaType: 'image/png', bytes: pngBytes }]);
    expect(JSON.stringify(call?.body)).toContain(`"inlineData":{"mimeType":"image/png","data":"${png}"}`);
  });

  it('an image URL is refused by a provider that does not fetch URLs (Gemini): the next entry serves, no fetch made', async () => {
    harness = await new WorkerHarness().start();
    const job = await harness.add({
      ...imageJob('tertiary', 'gemini-2.5-flash', true),
      chain: [
        { provider: 'tertiary', model: 'gemini-2.5-flash' },
        { provider: 'primary', model: 'gpt-4.1-mini' },
      ],
    });
    const [done] = await finished(harness, [job.id!]);
    const result = done?.returnvalue as CompletionJobResult;
    expect(result.provider).toBe('primary');
    expect(result.attempts[0]).toMatchObject({ provider: 'tertiary', outcome: 'rejected' });
    expect(result.attempts[0]?.error).toMatch(/does not fetch image URLs/);
    expect(harness.simulator.stats('tertiary').calls).toBe(0);
  });
});
