import { createHash } from 'node:crypto';
import type { BatchSearch, Submission } from './batch-client.js';

/**
 * How far the provider's clock may be behind the worker's: batches created up to this long before
 * the claim are still weighed. A wider margin costs only more candidates to rule out.
 */
export const clockMarginMs = 60_000;

/** Batches read per page of `GET /messages/batches` (Anthropic's maximum). */
export const searchPageSize = 1_000;

/** Pages read at most; a search that has not reached the claim's time by then stays undecided. */
export const maxSearchPages = 10;

/**
 * The `custom_id` an item goes to Anthropic with: a digest of the batch's tag, then the item's id
 * (hashed when the two would pass Anthropic's 64 characters). Message batches carry no metadata,
 * so their requests name the batch they belong to.
 */
export function wireCustomId(tag: string, customId: string): string {
  const prefix = digest(tag).slice(0, 12);
  const id = `${prefix}_${customId}`;
  return id.length <= 64 ? id : `${prefix}_h${digest(customId).slice(0, 40)}`;
}

/** A batch as the list shows it, reduced to what the search weighs. */
export interface ListedBatch {
  id: string;
  createdAt: number;
  /** Every request of the batch, whatever became of it. */
  requests: number;
  ended: boolean;
}

export function listedBatchOf(entry: Record<string, unknown>): ListedBatch | undefined {
  const createdAt = typeof entry.created_at === 'string' ? Date.parse(entry.created_at) : Number.NaN;
  if (typeof entry.id !== 'string' || Number.isNaN(createdAt)) return undefined;
  const counts =
    typeof entry.request_counts === 'object' && entry.request_counts !== null
      ? Object.values(entry.request_counts)
      : [];
  return {
    id: entry.id,
    createdAt,
    requests: counts.reduce((sum: number, count) => sum + (typeof count === 'number' ? count : 0), 0),
    ended: entry.processing_status === 'ended',
  };
}

/**
 * What one listed batch is to a submission of `count` requests claimed at `since`: created before
 * it (`older`: so is every batch after it in the list), not it (`other`: another size), or a
 * candidate whose requests can be read (`ended`) or not yet (`running`).
 */
export type Weighing = 'older' | 'other' | 'ended' | 'running';

export function weigh(batch: ListedBatch, since: number, count: number, marginMs = clockMarginMs): Weighing {
  if (batch.createdAt < since - marginMs) return 'older';
  if (batch.requests !== count) return 'other';
  return batch.ended ? 'ended' : 'running';
}

/** Whether a batch's result lines name exactly the submission's requests. */
export function sameRequests(resultIds: readonly string[], wireIds: ReadonlySet<string>): boolean {
  return resultIds.length === wireIds.size && resultIds.every((id) => wireIds.has(id));
}

/** The two reads the search makes, over HTTP in the client and in memory in unit tests. */
export interface SearchReads {
  /** One page of the batch list, newest first, after (older than) `afterId`. */
  page(afterId: string | undefined): Promise<{ data: Record<string, unknown>[]; hasMore: boolean }>;
  /** The custom ids of an ended batch's result lines. */
  customIds(batchId: string): Promise<string[]>;
}

/**
 * Looks for the batch a dead worker created for this submission: every batch listed since the claim
 * (less the clock margin) with as many requests is a candidate; an ended one is ours when its results
 * name exactly our requests; a running one cannot be read yet, and while one runs the answer is
 * `undecided` (the caller must not submit). `absent` only when no batch since the claim can be ours.
 */
export async function searchBatches(reads: SearchReads, submission: Submission): Promise<BatchSearch> {
  const wireIds = new Set(submission.items.map((item) => wireCustomId(submission.tag, item.customId)));
  const running: string[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < maxSearchPages; page += 1) {
    const { data, hasMore } = await reads.page(afterId);
    for (const batch of data.map(listedBatchOf)) {
      if (!batch) continue;
      const weighing = weigh(batch, submission.since, wireIds.size);
      if (weighing === 'older') return done(running);
      if (weighing === 'running') running.push(batch.id);
      if (weighing === 'ended' && sameRequests(await reads.customIds(batch.id), wireIds))
        return { kind: 'found', providerBatchId: batch.id };
    }
    const last = data.at(-1);
    if (!hasMore || typeof last?.id !== 'string') return done(running);
    afterId = last.id;
  }
  // The list was not read back to the claim: a batch of ours may lie further on.
  return { kind: 'undecided', candidates: running };
}

function done(running: string[]): BatchSearch {
  return running.length === 0 ? { kind: 'absent' } : { kind: 'undecided', candidates: running };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
