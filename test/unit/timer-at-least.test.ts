import { describe, expect, it } from 'vitest';
import { type SetTimer, timerAtLeast } from '../../src/time/timer-at-least.js';

/** A clock and a timer queue the test drives: each armed timer fires when the test says. */
function fakeTime(start = 1_000) {
  let now = start;
  const armed: { callback: () => void; ms: number; cancelled: boolean }[] = [];
  const setTimer: SetTimer = (callback, ms) => {
    const timer = { callback, ms, cancelled: false };
    armed.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  return {
    now: () => now,
    setTimer,
    armed,
    /** Moves the clock to `at` and fires the latest armed timer, as an early or late Node timer would. */
    fireAt(at: number) {
      now = at;
      const timer = armed.at(-1);
      if (timer && !timer.cancelled) timer.callback();
    },
  };
}

describe('timerAtLeast', () => {
  it('runs the callback when the timer fires on time', () => {
    const time = fakeTime();
    let runs = 0;
    timerAtLeast(() => runs++, 300, time);
    expect(time.armed.map((timer) => timer.ms)).toEqual([300]);
    time.fireAt(1_300);
    expect(runs).toBe(1);
  });

  it('waits out the rest when the timer fires short of the clock, then runs once', () => {
    const time = fakeTime();
    let runs = 0;
    timerAtLeast(() => runs++, 300, time);
    // Node counted from a loop turn 4 ms old: the timer fires at 296 ms of Date.now().
    time.fireAt(1_296);
    expect(runs).toBe(0);
    expect(time.armed.map((timer) => timer.ms)).toEqual([300, 4]);
    time.fireAt(1_299);
    expect(runs).toBe(0);
    expect(time.armed.at(-1)?.ms).toBe(1);
    time.fireAt(1_300);
    expect(runs).toBe(1);
  });

  it('runs at once when the timer fires late', () => {
    const time = fakeTime();
    let runs = 0;
    timerAtLeast(() => runs++, 300, time);
    time.fireAt(1_900);
    expect(runs).toBe(1);
    expect(time.armed).toHaveLength(1);
  });

  it('cancelled, it never runs, even from a re-armed wait', () => {
    const time = fakeTime();
    let runs = 0;
    const cancel = timerAtLeast(() => runs++, 300, time);
    time.fireAt(1_298);
    cancel();
    expect(time.armed.at(-1)?.cancelled).toBe(true);
    time.armed.at(-1)?.callback();
    expect(runs).toBe(0);
  });

  it('with real timers: never runs before its time on the clock', async () => {
    const startedAt = Date.now();
    const ranAt = await new Promise<number>((resolve) => timerAtLeast(() => resolve(Date.now()), 30));
    expect(ranAt - startedAt).toBeGreaterThanOrEqual(30);
  });
});
