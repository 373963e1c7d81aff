/** Callers waiting for something to settle (a probe), each for at most its own time. */
export class Waiters {
  readonly #waiting = new Set<() => void>();

  /** Resolves at the next `wakeAll`, after `maxWaitMs`, or when the signal aborts. */
  wait(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.#waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  wakeAll(): void {
    for (const wake of [...this.#waiting]) wake();
  }
}
