import { describe, expect, it } from 'vitest';
import { BreakwaterApiError } from '../../src/client/breakwater-api-error.js';
import { type JobReader, waitForJobs } from '../../src/client/wait-for-jobs.js';
import type { JobState, JobView } from '../../src/contract/index.js';

/**
 * A reader with no event stream (as behind a proxy without WebSockets): each job is read as `waiting`
 * until its own number of reads, then as its final state; an absent job answers 404.
 */
function pollingReader(plan: Record<string, { readsUntilEnd: number; end: JobState | 'removed' }>) {
  const reads = new Map<string, number>();
  const reader: JobReader = {
    events: () => Promise.reject(new BreakwaterApiError(404, 'events-refused', 'no stream')),
    async get(id) {
      const count = (reads.get(id) ?? 0) + 1;
      reads.set(id, count);
      const entry = plan[id];
      const ended = entry !== undefined && count >= entry.readsUntilEnd;
      if (entry === undefined || (ended && entry.end === 'removed')) {
        throw new BreakwaterApiError(404, 'not-found', `no job ${id}`);
      }
      return view(id, ended ? (entry.end as JobState) : 'waiting');
    },
  };
  return { reader, reads };
}

function view(id: string, state: JobState): JobView {
  return {
    id,
    state,
    attempts: 0,
    maxAttempts: 5,
    deferrals: 0,
    createdAt: new Date(0).toISOString(),
    timeline: [],
  };
}

async function collect(iterable: AsyncIterable<{ id: string; state: string }>): Promise<string[]> {
  const seen: string[] = [];
  for await (const job of iterable) seen.push(`${job.id} ${job.state}`);
  return seen;
}

describe('waitForJobs, polling where there is no event stream', () => {
  it('yields every job once, as it ends, and reads only the jobs still pending', async () => {
    const { reader, reads } = pollingReader({
      a: { readsUntilEnd: 3, end: 'completed' },
      b: { readsUntilEnd: 1, end: 'failed' },
      c: { readsUntilEnd: 2, end: 'removed' },
    });
    expect(await collect(waitForJobs(reader, ['a', 'b', 'c'], { intervalMs: 5 }))).toEqual([
      'b failed',
      'c gone',
      'a completed',
    ]);
    expect(Object.fromEntries(reads)).toEqual({ a: 3, b: 1, c: 2 });
  });

  it('gives up after timeoutMs, naming how many jobs are unfinished', async () => {
    const { reader } = pollingReader({
      a: { readsUntilEnd: 1, end: 'completed' },
      b: { readsUntilEnd: Number.POSITIVE_INFINITY, end: 'completed' },
      c: { readsUntilEnd: Number.POSITIVE_INFINITY, end: 'completed' },
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const job of waitForJobs(reader, ['a', 'b', 'c'], { intervalMs: 5, timeoutMs: 50 })) {
        seen.push(job.id);
      }
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(['a']);
    expect(error).toMatchObject({ code: 'timeout', message: '2 jobs are still unfinished after 50 ms' });
  });

  it('an abort stops the wait', async () => {
    const { reader } = pollingReader({ a: { readsUntilEnd: Number.POSITIVE_INFINITY, end: 'completed' } });
    const controller = new AbortController();
    const waiting = collect(waitForJobs(reader, ['a'], { intervalMs: 60_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('nothing to wait for ends at once, without subscribing', async () => {
    let subscribed = false;
    const reader: JobReader = {
      events: async () => {
        subscribed = true;
        throw new Error('not expected');
      },
      get: async (id) => view(id, 'completed'),
    };
    expect(await collect(waitForJobs(reader, []))).toEqual([]);
    expect(subscribed).toBe(false);
  });
});
