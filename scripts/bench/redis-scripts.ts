import type { Redis } from 'ioredis';
import { commandCount } from '../../test/support/redis-server.js';

/** Every way a client runs a Lua script or function on Redis 7. */
const scriptCommands = ['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro'];

/** Scripts Redis has run since it started (INFO commandstats; never reset, so other readers are not disturbed). */
export async function scriptCalls(redis: Redis): Promise<number> {
  const { byCommand } = await commandCount(redis);
  return scriptCommands.reduce((sum, command) => sum + (byCommand[command] ?? 0), 0);
}

/**
 * Scripts per job over `task`: the commandstats delta ÷ `jobs`. Other clients of the same Redis add
 * to the delta and never subtract, so over several runs the lowest figure is the closest; NaN when
 * someone reset the counters mid-run.
 */
export async function scriptsPerJob(redis: Redis, jobs: number, task: () => Promise<void>): Promise<number> {
  const before = await scriptCalls(redis);
  await task();
  const delta = (await scriptCalls(redis)) - before;
  return delta < 0 ? Number.NaN : delta / jobs;
}

/** The lowest figure of several runs, ignoring the runs whose counters were reset. */
export function lowest(values: readonly number[]): number {
  const valid = values.filter((value) => !Number.isNaN(value));
  return valid.length === 0 ? Number.NaN : Math.min(...valid);
}
