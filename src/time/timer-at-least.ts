/** Arms a timer; returns its canceller. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export interface TimerAtLeastOptions {
  now?: () => number;
  /** The underlying timer. @defaultValue setTimeout/clearTimeout */
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
  // A class, not closures: every provider call arms one, and under tsx (esbuild's keepNames) each
  // named closure made per call costs about 0.3 µs.
  const timer = new AtLeast(callback, ms, options);
  return () => timer.cancel();
}

class AtLeast {
  readonly #callback: () => void;
  readonly #now: () => number;
  readonly #setTimer: SetTimer | undefined;
  readonly #unref: boolean;
  readonly #dueAt: number;
  #cancel: () => void;
  #cancelled = false;

  constructor(callback: () => void, ms: number, options: TimerAtLeastOptions) {
    this.#callback = callback;
    this.#now = options.now ?? Date.now;
    this.#setTimer = options.setTimer;
    this.#unref = options.unref ?? false;
    this.#dueAt = this.#now() + ms;
    this.#cancel = this.#arm(ms);
  }

  cancel(): void {
    this.#cancelled = true;
    this.#cancel();
  }

  #arm(ms: number): () => void {
    if (this.#setTimer) return this.#setTimer(() => this.#fire(), ms);
    const timer = setTimeout(() => this.#fire(), ms);
    if (this.#unref) timer.unref();
    return () => clearTimeout(timer);
  }

  #fire(): void {
    if (this.#cancelled) return;
    const left = this.#dueAt - this.#now();
    if (left > 0) this.#cancel = this.#arm(left);
    else this.#callback();
  }
}
