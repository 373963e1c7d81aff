/**
 * What Breakwater reads of BullMQ's own layout in Redis, in one place: the key prefix, the delayed
 * set's name, and how a delayed job's due time is kept in its score. Change here on a BullMQ upgrade.
 */

/** BullMQ's default key prefix: a queue named `q` keeps its keys under `bull:q`. */
const bullPrefix = 'bull';

/**
 * The BullMQ name of a Breakwater queue: its name in a Redis Cluster hash tag (`{breakwater}`), so
 * every key of the queue, BullMQ's and Breakwater's, hashes to one slot and a multi-key script never
 * crosses slots. The same names on one Redis, so moving to a cluster renames nothing.
 */
export function bullQueueNameOf(queueName: string): string {
  return `{${queueName}}`;
}

/** The Breakwater name of a BullMQ queue name: `{breakwater}` is `breakwater`. */
export function queueNameOfBull(bullName: string): string {
  return bullName.replace(/^\{(.*)\}$/, '$1');
}

/** The key every key of a queue starts with (BullMQ's `queue.qualifiedName`): `bull:{breakwater}`. */
export function queueKeyOf(queueName: string): string {
  return `${bullPrefix}:${bullQueueNameOf(queueName)}`;
}

/** The queue's delayed set (a sorted set of job ids). */
export function delayedKeyOf(queueKey: string): string {
  return `${queueKey}:delayed`;
}

/**
 * The job hash field Bull Board reads a delayed job's run time from: it shows `timestamp + delay`,
 * while BullMQ's own move to delayed stores the delay from the moment of the move.
 */
export const boardDelayField = 'delay';

/** The `delay` that makes Bull Board show `until` for a job created at `createdAt`. */
export function boardDelay(createdAt: number, until: number): number {
  return Math.max(0, Math.round(until - createdAt));
}

/**
 * The job hash field counting the times a job was moved to active (`attemptsStarted`, Bull Board's
 * "started" badge). A deferral spends no attempt, so it takes back the start it counted.
 */
export const startedAttemptsField = 'ats';

/** BullMQ keeps a delayed job's due time in the score, shifted left 12 bits for ordering. */
const delayedScoreShift = 0x1000;

/** When a delayed job is due (epoch ms), from its score in the delayed set. */
export function dueAtOfScore(score: string | number): number {
  return Math.floor(Number(score) / delayedScoreShift);
}
