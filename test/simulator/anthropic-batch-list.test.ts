import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderSimulator } from '../../src/simulator/simulator.js';

let clock = Date.parse('2026-11-29T12:00:00.000Z');
let simulator: ProviderSimulator;
let root: string;

beforeEach(async () => {
  simulator = new ProviderSimulator({ now: () => clock, random: () => 0 });
  await simulator.start();
  root = `${simulator.baseURL('claude', 'anthropic')}/messages/batches`;
});
afterEach(() => simulator.close());

async function create(requests: number): Promise<string> {
  const response = await fetch(root, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      requests: Array.from({ length: requests }, (_, index) => ({
        custom_id: `r${index}`,
        params: { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      })),
    }),
  });
  clock += 1_000;
  return ((await response.json()) as { id: string }).id;
}

async function list(query: string) {
  const response = await fetch(`${root}${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the simulator’s GET /v1/messages/batches', () => {
  it('lists newest first and pages with limit, after_id and before_id', async () => {
    simulator.configureBatches('claude', { turnaroundMs: 1_500 });
    const ids: string[] = [];
    for (const size of [1, 2, 3]) ids.push(await create(size));
    const [oldest, middle, newest] = ids;

    const first = await list('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ has_more: true, first_id: newest, last_id: middle });
    const data = first.body.data as Array<Record<string, unknown>>;
    expect(data.map((batch) => batch.id)).toEqual([newest, middle]);
    // The newest still runs; the middle one's turnaround is over.
    expect(data[0]).toMatchObject({
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: 3, succeeded: 0 },
      results_url: null,
      created_at: new Date(clock - 1_000).toISOString(),
    });
    expect(data[1]).toMatchObject({
      processing_status: 'ended',
      request_counts: { processing: 0, succeeded: 2 },
      results_url: `${root}/${middle}/results`,
    });

    expect((await list(`?limit=2&after_id=${middle}`)).body).toMatchObject({
      data: [{ id: oldest }],
      has_more: false,
      first_id: oldest,
      last_id: oldest,
    });
    expect((await list(`?limit=1&before_id=${oldest}`)).body).toMatchObject({
      data: [{ id: middle }],
      has_more: true,
    });
    expect(((await list('')).body.data as unknown[]).length).toBe(3);
  });

  it('answers a bad limit, both cursors or an unknown cursor with Anthropic’s error shape', async () => {
    await create(1);
    expect(await list('?limit=1001')).toEqual({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringMatching(/^limit:/) },
      },
    });
    expect((await list('?before_id=a&after_id=b')).status).toBe(400);
    expect(await list('?after_id=msgbatch_unknown')).toEqual({
      status: 404,
      body: {
        type: 'error',
        error: { type: 'not_found_error', message: expect.stringContaining('msgbatch_unknown') },
      },
    });
  });
});
