import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
beforeAll(async () => {
  harness = await new ApiHarness({
    config: (base) => ({
      ...base,
      routes: {
        ...(base.routes as object),
        embed: [{ provider: 'primary', model: 'text-embedding-3-small' }],
      },
    }),
  }).start();
});
afterAll(() => harness.stop());

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const image = { type: 'image', data: png, mediaType: 'image/png' };
const userParts = (...parts: unknown[]) => ({ messages: [{ role: 'user', content: parts }] });
const schema = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] };

describe('jobs the API refuses with a 400 naming the field, creating nothing', () => {
  it.each([
    [
      'an invalid schema',
      { prompt: 'a', output: { schema: { type: 'object', properties: { label: { type: 'strin' } } } } },
      'output.schema',
      /not a valid JSON Schema \(draft 2020-12\): .*properties\/label\/type/,
    ],
    [
      'a schema whose root is not an object',
      { prompt: 'a', output: { schema: { type: 'array' } } },
      'output.schema',
      /root must be \{"type": "object"\}/,
    ],
    [
      'a schema that is not an object at all',
      { prompt: 'a', output: { schema: 'label' } },
      'output.schema',
      /JSON Schema object/,
    ],
    [
      'a schema over 100,000 characters',
      { prompt: 'a', output: { schema: { type: 'object', description: 'x'.repeat(100_000) } } },
      'output.schema',
      /at most 100000/,
    ],
    [
      'a schema nested too deep',
      {
        prompt: 'a',
        output: { schema: { type: 'object', not: JSON.parse(`${'{"not":'.repeat(40)}{}${'}'.repeat(40)}`) } },
      },
      'output.schema',
      /nests more than 32 levels deep/,
    ],
    [
      'a bad output name',
      { prompt: 'a', output: { schema, name: 'a name' } },
      'output.name',
      /letters, digits/,
    ],
    [
      'bad base64',
      userParts({ type: 'image', data: 'not base64!', mediaType: 'image/png' }),
      'messages.0.content.0.data',
      /must be base64/,
    ],
    [
      'a non-image media type',
      userParts({ type: 'image', data: png, mediaType: 'application/pdf' }),
      'messages.0.content.0.mediaType',
      /image media type/,
    ],
    [
      'inline data without its media type',
      userParts({ type: 'image', data: png }),
      'messages.0.content.0.mediaType',
      /required with data/,
    ],
    [
      'an unknown part type',
      userParts({ type: 'text', text: 'hi' }, { type: 'audio', data: png }),
      'messages.0.content.1.type',
      /unknown part type "audio"/,
    ],
    [
      'an image URL that is not http(s)',
      userParts({ type: 'image', url: 'file:///etc/passwd' }),
      'messages.0.content.0.url',
      /http\(s\)/,
    ],
    [
      '21 images',
      userParts(...Array.from({ length: 21 }, () => image)),
      'messages',
      /carries 21 images; at most 20 per job/,
    ],
    [
      'an image in a system message',
      {
        messages: [
          { role: 'system', content: [image] },
          { role: 'user', content: 'hi' },
        ],
      },
      'messages.0.content',
      /system message's content is a string/,
    ],
    [
      'an embedding job on an Anthropic entry',
      { kind: 'embed', input: ['a'], chain: [{ provider: 'secondary', model: 'text-embedding-3-small' }] },
      'chain.0.provider',
      /Anthropic, which has no embedding models/,
    ],
    [
      'an embedding job on a completion model',
      { kind: 'embed', input: 'a', chain: [{ provider: 'primary', model: 'gpt-4.1-mini' }] },
      'chain.0.model',
      /not an embedding model/,
    ],
    [
      'an embedding job on a completion route',
      { kind: 'embed', input: 'a' },
      'route',
      /not an embedding model/,
    ],
    ['a completion on an embedding route', { prompt: 'a', route: 'embed' }, 'route', /is an embedding model/],
    [
      'an embedding job with a prompt',
      { kind: 'embed', input: 'a', prompt: 'b', route: 'embed' },
      'prompt',
      /takes input, not this field/,
    ],
    ['an embedding job without input', { kind: 'embed', route: 'embed' }, 'input', /needs input/],
    ['input on a completion', { prompt: 'a', input: 'b' }, 'input', /only an embedding job takes input/],
    [
      '2,049 strings to embed',
      { kind: 'embed', route: 'embed', input: Array.from({ length: 2049 }, () => 'x') },
      'input',
      /at most 2048 strings/,
    ],
  ])('%s', async (_name, job, path, message) => {
    const response = await harness.request<ErrorBody>('POST', '/v1/jobs', job);
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toContainEqual({ path, message: expect.stringMatching(message) });
    expect(await harness.queue.count()).toBe(0);
  });

  it('base64 images count toward the job size', async () => {
    const big = 'A'.repeat(1_000_004);
    const response = await harness.request<ErrorBody>(
      'POST',
      '/v1/jobs',
      userParts({ type: 'image', data: big, mediaType: 'image/png' }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.fields?.[0]?.path).toBe('messages');
    expect(await harness.queue.count()).toBe(0);
  });

  it('a structured job, an image job and an embedding job are accepted', async () => {
    for (const job of [
      { prompt: 'a', output: { schema, name: 'label' } },
      userParts({ type: 'text', text: 'what is this?' }, image, {
        type: 'image',
        url: 'https://example.com/a.png',
      }),
      { kind: 'embed', route: 'embed', input: ['a', 'b'] },
    ]) {
      const response = await harness.request('POST', '/v1/jobs', job);
      expect(response.status).toBe(202);
    }
    expect(await harness.queue.count()).toBe(3);
  });
});
