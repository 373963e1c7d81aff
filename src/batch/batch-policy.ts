import { createHash } from 'node:crypto';
import type { BatchConfig } from '../config/schema.js';
import type { BatchItem } from '../providers/batch/batch-client.js';

/**
 * Whether a job may use a batch entry: only when its deadline (if any) leaves the provider its whole
 * completion window; a batch that may come back after the deadline would risk it.
 */
export function mayUseBatch(
  deadline: number | undefined,
  now: number,
  config: Pick<BatchConfig, 'windowMs'>,
): boolean {
  return deadline === undefined || deadline >= now + config.windowMs;
}

/** What the collection of one provider and model looks like at a moment. */
export interface Collection {
  count: number;
  /** When the oldest collected job joined (epoch ms); undefined when empty. */
  oldestAt: number | undefined;
}

/** Whether the collection is submitted now: `maxJobs` are waiting, or the oldest waited `maxWaitMs`. */
export function flushDue(
  collection: Collection,
  now: number,
  config: Pick<BatchConfig, 'maxJobs' | 'maxWaitMs'>,
): boolean {
  if (collection.count === 0 || collection.oldestAt === undefined) return false;
  return collection.count >= config.maxJobs || now - collection.oldestAt >= config.maxWaitMs;
}

/**
 * The latest a batched job sleeps before it looks at its batch itself: its collection's wait, the
 * provider's window and two polls. Normally the batch's end wakes it long before.
 */
export function parkUntil(
  joinedAt: number,
  config: Pick<BatchConfig, 'maxWaitMs' | 'windowMs' | 'pollIntervalMs'>,
): number {
  return joinedAt + config.maxWaitMs + config.windowMs + 2 * config.pollIntervalMs;
}

/** The batch item's custom id for a job: its id when providers accept it (`[A-Za-z0-9_-]{1,64}`), else a hash. */
export function customIdOf(jobId: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) return jobId;
  return `h-${createHash('sha256').update(jobId).digest('hex').slice(0, 40)}`;
}

/** A batch's members as the provider's batch items: each job's request under its custom id. */
export function batchItems(requests: ReadonlyMap<string, BatchItem['request']>): BatchItem[] {
  return [...requests].map(([jobId, request]) => ({ customId: customIdOf(jobId), request }));
}

/**
 * How long a worker holds a batch while submitting or polling it: longer than its four calls (find,
 * upload, create; or status and two files) can take, so a lease runs out only when its worker died.
 */
export function leaseMs(timeoutMs: number): number {
  return 4 * timeoutMs + 5_000;
}
