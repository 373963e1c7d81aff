import { type SetTimer, timerAtLeast } from '../time/timer-at-least.js';

/** Never early by the clock: two emits are at least the interval apart in `Date.now()` too. */
export const timerSchedule: SetTimer = (run, delayMs) => timerAtLeast(run, delayMs, { unref: true });

export interface DeltaCoalescerOptions {
  /** Receives the text gathered since the last emit, and where it starts in the whole text. */
  emit: (text: string, offset: number) => void;
  /** Least time between two emits. @defaultValue 100 */
  intervalMs?: number;
  now?: () => number;
  /** Schedules a flush; returns its canceller. Injected so tests drive time. */
  schedule?: SetTimer;
}

/**
 * Gathers pieces of streamed text and emits them at most once per interval: the first piece at
 * once, later ones together when the interval since the last emit has passed.
 */
export class DeltaCoalescer {
  readonly #options: Required<DeltaCoalescerOptions>;
  #buffer = '';
  #offset = 0;
  #lastEmit = Number.NEGATIVE_INFINITY;
  #cancel: (() => void) | undefined;

  constructor(options: DeltaCoalescerOptions) {
    this.#options = { intervalMs: 100, now: Date.now, schedule: timerSchedule, ...options };
  }

  /** Characters emitted so far. */
  get emitted(): number {
    return this.#offset;
  }

  push(text: string): void {
    if (text.length === 0) return;
    this.#buffer += text;
    if (this.#cancel) return;
    const waitMs = this.#lastEmit + this.#options.intervalMs - this.#options.now();
    if (waitMs <= 0) this.flush();
    else this.#cancel = this.#options.schedule(() => this.flush(), waitMs);
  }

  /** Emits what is gathered now (the stream ended). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    if (this.#buffer.length === 0) return;
    const text = this.#buffer;
    this.#buffer = '';
    this.#options.emit(text, this.#offset);
    this.#offset += text.length;
    this.#lastEmit = this.#options.now();
  }

  /** Drops what is gathered and stops (the stream failed: its text is void). */
  discard(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#buffer = '';
  }
}
