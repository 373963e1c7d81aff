/** Arms a timer; returns its canceller. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export interface TimerAtLeastOptions {
  now?: () => number;
  /** The underlying timer. @defaultValue setTimeout/clearTimeout, unref'd when `unref` is set */
  setTimer?: SetTimer;
  /** Whether the default timer may let the process exit. @defaultValue false */
  unref?: boolean;
}

/**
 * A timer that never runs its callback before `ms` have passed on the clock (`Date.now()`).
 *
 * Node counts a timer from the event loop's cached time, which is as old as the loop turn that armed
 * it: on a busy process a 300 ms timer can fire a few milliseconds short of 300 ms of `Date.now()`.
 * A rule stated in clock time (a hedge after `hedgeAfterMs` of the request going out, deltas at most
 * every `intervalMs`) arms this instead: when the timer fires early it waits out the rest.
 */
export function timerAtLeast(
  callback: () => void,
  ms: number,
  options: TimerAtLeastOptions = {},
): () => void {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? (options.unref ? unrefTimer : plainTimer);
  const dueAt = now() + ms;
  let cancel = setTimer(fire, ms);
  let cancelled = false;
  function fire(): void {
    if (cancelled) return;
    const left = dueAt - now();
    if (left > 0) cancel = setTimer(fire, left);
    else callback();
  }
  return () => {
    cancelled = true;
    cancel();
  };
}

const plainTimer: SetTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

const unrefTimer: SetTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
};
