import { afterEach, describe, expect, it } from 'vitest';
import { embeddingVector } from '../../src/simulator/embedding-vector.js';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

let simulator: ProviderSimulator;
afterEach(() => simulator.close());

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const schema = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] };
const chat = {
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user', content: 'label this' }],
  response_format: { type: 'json_schema', json_schema: { name: 'label', schema, strict: true } },
};
const answer = (body: Record<string, unknown>) =>
  (body.choices as { message: { content: string } }[])[0]?.message.content ?? '';

describe('the simulator, for structured requests and embeddings', () => {
  it('answers a json_schema request with JSON generated from the schema, and invalid JSON at the rate set over /_control', async () => {
    simulator = new ProviderSimulator();
    const root = await simulator.start();
    const valid = await post(`${root}/p/v1/chat/completions`, chat);
    expect(JSON.parse(answer(valid.body))).toEqual({ label: 'simulated' });

    const control = await fetch(`${root}/_control/providers/p`, {
      method: 'PUT',
      body: JSON.stringify({ invalidOutputRate: 1, invalidOutput: 'schema-violation' }),
    });
    expect(control.status).toBe(200);
    expect(JSON.parse(answer((await post(`${root}/p/v1/chat/completions`, chat)).body))).toEqual({});
    simulator.configure('p', { invalidOutput: 'bad-json' });
    const broken = answer((await post(`${root}/p/v1/chat/completions`, chat)).body);
    expect(() => JSON.parse(broken)).toThrow();
    // Plain requests are never made invalid.
    const plain = await post(`${root}/p/v1/chat/completions`, { ...chat, response_format: undefined });
    expect(answer(plain.body)).toMatch(/^Simulated reply/);
  });

  it('serves OpenAI and Gemini embeddings with deterministic unit vectors of the configured dimension', async () => {
    simulator = new ProviderSimulator();
    const root = await simulator.start();
    simulator.configure('o', { embeddingDimensions: 12 });
    const openai = await post(`${root}/o/v1/embeddings`, {
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
    });
    const data = openai.body.data as { index: number; embedding: number[] }[];
    expect(data.map((item) => item.index)).toEqual([0, 1]);
    expect(data[0]?.embedding).toEqual(embeddingVector('text-embedding-3-small', 'a', 12));
    expect(openai.body.usage).toMatchObject({ prompt_tokens: expect.any(Number) });
    const asked = await post(`${root}/o/v1/embeddings`, {
      model: 'text-embedding-3-small',
      input: 'a',
      dimensions: 4,
    });
    expect((asked.body.data as { embedding: number[] }[])[0]?.embedding).toHaveLength(4);

    const gemini = await post(`${root}/g/v1beta/models/gemini-embedding-001:batchEmbedContents`, {
      requests: ['x', 'y', 'z'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
      })),
    });
    const embeddings = gemini.body.embeddings as { values: number[] }[];
    expect(embeddings).toHaveLength(3);
    expect(embeddings[2]?.values).toEqual(embeddingVector('gemini-embedding-001', 'z', 1536));
    expect(Math.hypot(...(embeddings[0]?.values ?? []))).toBeCloseTo(1, 3);
  });

  it('an embedding endpoint of a provider that is down answers in its error format', async () => {
    simulator = new ProviderSimulator();
    const root = await simulator.start();
    simulator.configure('o', { mode: { kind: 'down', status: 503 } });
    const down = await post(`${root}/o/v1/embeddings`, { model: 'text-embedding-3-small', input: 'a' });
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({ type: 'server_error' });
  });
});
