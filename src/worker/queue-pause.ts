/** The longest the queue is paused at once while every provider is open; then it is looked at again. */
const maxPauseMs = 30_000;

export interface QueuePauseOptions {
  /** When every configured provider is open: the earliest a probe is admitted; else undefined. */
  everyProviderOpenUntil: () => number | undefined;
  /** Stops the whole queue from handing out jobs for this long. */
  pause: (durationMs: number) => Promise<void>;
  now: () => number;
}

/**
 * When every configured provider is open no job of any route can run, so the queue stops handing
 * out jobs until the first one admits a probe: the backlog stays untouched in Redis instead of being
 * churned through the workers. Never longer than 30 s at once: a provider opened by hand (no end) may
 * be closed by hand at any time.
 */
export function queuePause(options: QueuePauseOptions): () => Promise<void> {
  let pausedUntil = 0;
  return async () => {
    const openUntil = options.everyProviderOpenUntil();
    if (openUntil === undefined) return;
    const until = Math.min(openUntil, options.now() + maxPauseMs);
    if (until <= pausedUntil) return;
    pausedUntil = until;
    await options.pause(until - options.now());
  };
}
