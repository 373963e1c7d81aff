import { setTimeout as delay } from 'node:timers/promises';

export interface ProgressOptions {
  /** Fail when the count has not grown for this long: the work is stuck, not slow. */
  stallMs: number;
  /** How often the count is read. @defaultValue 200 */
  intervalMs?: number;
}

/**
 * Waits until `read()` reaches `target`, bounded by progress rather than by a fixed deadline: a slow,
 * loaded machine gets all the time it needs while the count keeps growing, and a stuck run fails
 * after `stallMs` without growth, naming where it stopped.
 */
export async function waitForCount(
  read: () => Promise<number>,
  target: number,
  { stallMs, intervalMs = 200 }: ProgressOptions,
): Promise<void> {
  let best = await read();
  let lastGrowth = Date.now();
  while (best < target) {
    await delay(intervalMs);
    const count = await read();
    if (count > best) {
      best = count;
      lastGrowth = Date.now();
    } else if (Date.now() - lastGrowth > stallMs) {
      throw new Error(`stuck at ${best} of ${target}: no progress for ${stallMs} ms`);
    }
  }
}
