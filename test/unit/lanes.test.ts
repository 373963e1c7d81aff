import { describe, expect, it } from 'vitest';
import type { CallStrategy } from '../../src/contract/job-input.js';
import { type LaneStep, lanePolicy, runLanes } from '../../src/resilience/lanes.js';

/** An attempt per entry that ends only when the test says so; records starts and aborts. */
function scripted(entries: number) {
  const started: number[] = [];
  const aborted: number[] = [];
  const finish = new Map<number, (step: LaneStep) => void>();
  const attempt = (index: number, lane: AbortSignal, calling: () => void) =>
    new Promise<LaneStep>((resolve) => {
      started.push(index);
      calling();
      finish.set(index, resolve);
      lane.addEventListener('abort', () => {
        aborted.push(index);
        resolve({ kind: 'next' });
      });
    });
  const timers: { callback: () => void; ms: number; cancelled: boolean }[] = [];
  const setTimer = (callback: () => void, ms: number) => {
    const timer = { callback, ms, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const fire = () => {
    for (const timer of timers.filter((t) => !t.cancelled)) {
      timer.cancelled = true;
      timer.callback();
    }
  };
  const run = (strategy: CallStrategy) => runLanes({ entries, strategy, attempt, setTimer });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { started, aborted, finish, run, fire, timers, settle };
}

const ok = { kind: 'ok', result: { text: 'x' } } as unknown as LaneStep;

describe('lanes: how many entries are called at once', () => {
  it('policies', () => {
    expect(lanePolicy('sequential')).toEqual({ maxInFlight: 1 });
    expect(lanePolicy('race')).toEqual({ maxInFlight: 2 });
    expect(lanePolicy({ hedgeAfterMs: 300 })).toEqual({ maxInFlight: 2, hedgeAfterMs: 300 });
  });

  it('sequential: one entry at a time, the next only when the current one gives up', async () => {
    const lanes = scripted(3);
    const end = lanes.run('sequential');
    await lanes.settle();
    expect(lanes.started).toEqual([0]);
    lanes.finish.get(0)?.({ kind: 'next' });
    await lanes.settle();
    expect(lanes.started).toEqual([0, 1]);
    lanes.finish.get(1)?.(ok);
    expect(await end).toMatchObject({ kind: 'ok', index: 1 });
    expect(lanes.aborted).toEqual([]);
  });

  it('race: the first two at once; the first answer wins and the other is aborted', async () => {
    const lanes = scripted(3);
    const end = lanes.run('race');
    await lanes.settle();
    expect(lanes.started).toEqual([0, 1]);
    lanes.finish.get(1)?.(ok);
    expect(await end).toMatchObject({ kind: 'ok', index: 1 });
    expect(lanes.aborted).toEqual([0]);
    expect(lanes.started).toEqual([0, 1]);
  });

  it('race: a skipped entry frees its lane for the next one at once', async () => {
    const lanes = scripted(3);
    const end = lanes.run('race');
    await lanes.settle();
    lanes.finish.get(0)?.({ kind: 'next' });
    await lanes.settle();
    expect(lanes.started).toEqual([0, 1, 2]);
    lanes.finish.get(2)?.(ok);
    expect(await end).toMatchObject({ kind: 'ok', index: 2 });
    expect(lanes.aborted).toEqual([1]);
  });

  it('hedge: the next entry only when the timer fires with no answer, never before', async () => {
    const lanes = scripted(2);
    const end = lanes.run({ hedgeAfterMs: 300 });
    await lanes.settle();
    expect(lanes.started).toEqual([0]);
    expect(lanes.timers.map((timer) => timer.ms)).toEqual([300]);
    lanes.fire();
    await lanes.settle();
    expect(lanes.started).toEqual([0, 1]);
    lanes.finish.get(1)?.(ok);
    expect(await end).toMatchObject({ kind: 'ok', index: 1 });
    expect(lanes.aborted).toEqual([0]);
  });

  it('hedge: a failure before the timer moves on at once, as sequential does', async () => {
    const lanes = scripted(2);
    const end = lanes.run({ hedgeAfterMs: 300 });
    await lanes.settle();
    lanes.finish.get(0)?.({ kind: 'next' });
    await lanes.settle();
    expect(lanes.started).toEqual([0, 1]);
    lanes.finish.get(1)?.({ kind: 'next' });
    expect(await end).toEqual({ kind: 'exhausted' });
  });

  it('onLimit wait stops new entries; the ones running may still answer', async () => {
    const lanes = scripted(3);
    const refusal = { errorClass: 'rate-limit', until: 1, reason: 'r', slot: undefined } as const;
    const end = lanes.run('race');
    await lanes.settle();
    lanes.finish.get(0)?.({ kind: 'wait', refusal });
    await lanes.settle();
    expect(lanes.started).toEqual([0, 1]);
    lanes.finish.get(1)?.({ kind: 'next' });
    expect(await end).toEqual({ kind: 'wait', refusal });
  });
});
