import { describe, expect, it } from 'vitest';
import { RoundTripBatcher } from '../../src/redis/round-trip-batcher.js';

/** A send whose round trips end only when the test says so. */
function controlled() {
  const batches: number[][] = [];
  const ends: ((outs: number[] | Error) => void)[] = [];
  const send = (items: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push([...items]);
      ends.push((outs) => (outs instanceof Error ? reject(outs) : resolve(outs)));
    });
  return { batches, ends, send };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RoundTripBatcher: requests that meet share a round trip', () => {
  it('a lone request goes at once; those arriving meanwhile go together next, in order', async () => {
    const io = controlled();
    const batcher = new RoundTripBatcher<number, number>(io.send);
    const first = batcher.request(1);
    await tick();
    expect(io.batches).toEqual([[1]]);
    const more = [batcher.request(2), batcher.request(3), batcher.request(4)];
    await tick();
    expect(io.batches).toEqual([[1]]);
    io.ends[0]?.([10]);
    expect(await first).toBe(10);
    await tick();
    expect(io.batches).toEqual([[1], [2, 3, 4]]);
    io.ends[1]?.([20, 30, 40]);
    expect(await Promise.all(more)).toEqual([20, 30, 40]);
  });

  it('a failed round trip fails every request of its batch, and the next batch still goes', async () => {
    const io = controlled();
    const batcher = new RoundTripBatcher<number, number>(io.send, { maxBatch: 2 });
    const a = batcher.request(1);
    await tick();
    const b = batcher.request(2);
    const c = batcher.request(3);
    const d = batcher.request(4);
    io.ends[0]?.(new Error('redis went away'));
    await expect(a).rejects.toThrow('redis went away');
    await tick();
    expect(io.batches[1]).toEqual([2, 3]);
    io.ends[1]?.([2]);
    expect(await b).toBe(2);
    await expect(c).rejects.toThrow('a batch of 2 was answered with 1 results');
    await tick();
    io.ends[2]?.([4]);
    expect(await d).toBe(4);
  });
});
