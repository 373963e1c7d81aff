import { describe, expect, it } from 'vitest';
import {
  clockMarginMs,
  listedBatchOf,
  type SearchReads,
  sameRequests,
  searchBatches,
  weigh,
  wireCustomId,
} from '../../src/providers/batch/anthropic-batch-search.js';
import { batchPage, batchPageQuery } from '../../src/simulator/batch/anthropic-batch-page.js';

const since = Date.parse('2026-11-29T12:00:00.000Z');
const items = ['1', '2', '3'].map((customId) => ({ customId, request: { prompt: 'x' } }));
const submission = { tag: 'bat_ours', since, items };

/** A batch as Anthropic lists it. */
function listed(id: string, at: number, requests: number, ended: boolean) {
  return {
    id,
    type: 'message_batch',
    created_at: new Date(at).toISOString(),
    processing_status: ended ? 'ended' : 'in_progress',
    request_counts: ended
      ? { processing: 0, succeeded: requests - 1, errored: 1, canceled: 0, expired: 0 }
      : { processing: requests, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
  };
}

/** The batch list in memory, newest first, paged by `size`; counts every read. */
function reads(batches: ReturnType<typeof listed>[], customIds: Record<string, string[]>, size = 2) {
  const counts = { pages: 0, results: [] as string[] };
  const port: SearchReads = {
    async page(afterId) {
      counts.pages += 1;
      const start = afterId === undefined ? 0 : batches.findIndex((batch) => batch.id === afterId) + 1;
      return { data: batches.slice(start, start + size), hasMore: start + size < batches.length };
    },
    async customIds(batchId) {
      counts.results.push(batchId);
      return customIds[batchId] ?? [];
    },
  };
  return { port, counts };
}

const ours = items.map((item) => wireCustomId('bat_ours', item.customId));

describe('the custom ids an Anthropic batch is sent with', () => {
  it('name the batch and the item, within Anthropic’s pattern, the same each time', () => {
    expect(wireCustomId('bat_a', '17')).toBe(wireCustomId('bat_a', '17'));
    expect(wireCustomId('bat_a', '17')).not.toBe(wireCustomId('bat_b', '17'));
    expect(wireCustomId('bat_a', '17')).toMatch(/^[0-9a-f]{12}_17$/);
    const long = wireCustomId('bat_a', 'x'.repeat(64));
    expect(long).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(long).not.toBe(wireCustomId('bat_a', `${'x'.repeat(63)}y`));
  });
});

describe('weighing a listed batch against a submission', () => {
  it('counts every request, whatever became of it, and reads its creation time', () => {
    expect(listedBatchOf(listed('b', since, 3, true))).toEqual({
      id: 'b',
      createdAt: since,
      requests: 3,
      ended: true,
    });
    expect(listedBatchOf({ id: 'b' })).toBeUndefined();
  });

  it('older than the claim less the clock margin, another size, or a candidate ended or running', () => {
    const at = (offset: number, requests = 3, ended = true) =>
      weigh({ id: 'b', createdAt: since + offset, requests, ended }, since, 3);
    expect(at(-clockMarginMs - 1)).toBe('older');
    expect(at(-clockMarginMs)).toBe('ended');
    expect(at(5_000, 4)).toBe('other');
    expect(at(5_000, 3, false)).toBe('running');
  });

  it('a batch is ours only when its results name exactly our requests', () => {
    const wireIds = new Set(ours);
    expect(sameRequests([...ours].reverse(), wireIds)).toBe(true);
    expect(sameRequests(['1', '2', '3'], wireIds)).toBe(false);
    expect(sameRequests(ours.slice(0, 2), wireIds)).toBe(false);
  });
});

describe('looking for the batch a dead worker created', () => {
  it('finds our ended batch among batches of the same size, reading only candidates’ results', async () => {
    const { port, counts } = reads(
      [
        listed('later-other', since + 9_000, 3, true),
        listed('bigger', since + 8_000, 4, true),
        listed('mine', since + 2_000, 3, true),
        listed('before', since - clockMarginMs - 1, 3, true),
      ],
      { 'later-other': ['1', '2', '3'], mine: ours },
    );
    expect(await searchBatches(port, submission)).toEqual({ kind: 'found', providerBatchId: 'mine' });
    expect(counts.results).toEqual(['later-other', 'mine']);
  });

  it('undecided while a candidate runs: its requests cannot be read yet', async () => {
    const { port } = reads([listed('running', since + 1_000, 3, false)], {});
    expect(await searchBatches(port, submission)).toEqual({ kind: 'undecided', candidates: ['running'] });
  });

  it('absent when no batch since the claim can be ours, and stops paging at the first older one', async () => {
    const { port, counts } = reads(
      [
        listed('other-size', since + 1_000, 2, false),
        listed('not-ours', since + 500, 3, true),
        listed('old', since - clockMarginMs - 1, 3, false),
        listed('older', since - clockMarginMs - 2, 3, false),
        listed('oldest', since - clockMarginMs - 3, 3, false),
      ],
      { 'not-ours': ['a', 'b', 'c'] },
    );
    expect(await searchBatches(port, submission)).toEqual({ kind: 'absent' });
    expect(counts.pages).toBe(2);
  });

  it('absent on an empty list; undecided when the list is not read back to the claim', async () => {
    expect(await searchBatches(reads([], {}).port, submission)).toEqual({ kind: 'absent' });
    const many = Array.from({ length: 30 }, (_, index) =>
      listed(`b${index}`, since + 60_000 - index, 1, true),
    );
    expect(await searchBatches(reads(many, {}, 1).port, submission)).toEqual({
      kind: 'undecided',
      candidates: [],
    });
  });
});

describe('the simulator pages GET /v1/messages/batches as Anthropic does', () => {
  const newestFirst = ['e', 'd', 'c', 'b', 'a'].map((id) => ({ id }));
  const page = (query: string) => {
    const parsed = batchPageQuery(new URLSearchParams(query));
    return 'invalid' in parsed ? parsed : batchPage(newestFirst, parsed);
  };

  it('newest first, 20 by default; after_id pages on to older batches, before_id back to newer', () => {
    expect(page('')).toEqual({ data: newestFirst, has_more: false, first_id: 'e', last_id: 'a' });
    expect(page('limit=2')).toEqual({
      data: [{ id: 'e' }, { id: 'd' }],
      has_more: true,
      first_id: 'e',
      last_id: 'd',
    });
    expect(page('limit=2&after_id=d')).toMatchObject({ data: [{ id: 'c' }, { id: 'b' }], has_more: true });
    expect(page('limit=2&after_id=b')).toMatchObject({ data: [{ id: 'a' }], has_more: false });
    expect(page('limit=2&before_id=b')).toMatchObject({ data: [{ id: 'd' }, { id: 'c' }], has_more: true });
    expect(page('limit=2&before_id=d')).toMatchObject({ data: [{ id: 'e' }], has_more: false });
    expect(page('after_id=a')).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
  });

  it('refuses a limit outside 1–1000, both cursors at once, and an unknown cursor', () => {
    expect(page('limit=0')).toEqual({ invalid: expect.stringMatching(/^limit:/) });
    expect(page('limit=1001')).toEqual({ invalid: expect.stringMatching(/^limit:/) });
    expect(page('limit=abc')).toEqual({ invalid: expect.stringMatching(/^limit:/) });
    expect(page('limit=1000')).toMatchObject({ has_more: false });
    expect(page('before_id=a&after_id=b')).toEqual({ invalid: expect.stringMatching(/before_id/) });
    expect(page('after_id=zzz')).toEqual({ unknown: 'zzz' });
  });
});
