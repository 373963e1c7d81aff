/** A page request of `GET /v1/messages/batches`, as Anthropic reads its query. */
export interface BatchPageQuery {
  /** @defaultValue 20 (1 to 1000) */
  limit: number;
  /** The page immediately before (newer than) this batch. */
  beforeId?: string;
  /** The page immediately after (older than) this batch. */
  afterId?: string;
}

export interface BatchPage<T> {
  data: T[];
  /** Whether more batches lie beyond this page in the direction asked for. */
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

const defaultLimit = 20;
const maxLimit = 1_000;

/** The page asked for, or the problem with the query (a 400 `invalid_request_error`). */
export function batchPageQuery(params: URLSearchParams): BatchPageQuery | { invalid: string } {
  const rawLimit = params.get('limit');
  const limit = rawLimit === null ? defaultLimit : Number(rawLimit);
  if (!Number.isInteger(limit)) return { invalid: 'limit: Input should be a valid integer' };
  if (limit < 1) return { invalid: 'limit: Input should be greater than or equal to 1' };
  if (limit > maxLimit) return { invalid: `limit: Input should be less than or equal to ${maxLimit}` };
  const beforeId = params.get('before_id') ?? undefined;
  const afterId = params.get('after_id') ?? undefined;
  if (beforeId !== undefined && afterId !== undefined)
    return { invalid: 'before_id: cannot be given together with after_id' };
  return {
    limit,
    ...(beforeId === undefined ? {} : { beforeId }),
    ...(afterId === undefined ? {} : { afterId }),
  };
}

/**
 * One page of a list held newest first: the `limit` entries right after `afterId` (older), right
 * before `beforeId` (newer, still newest first), or the newest. An unknown cursor is reported.
 */
export function batchPage<T extends { id: string }>(
  newestFirst: readonly T[],
  query: BatchPageQuery,
): BatchPage<T> | { unknown: string } {
  let data: T[];
  let hasMore: boolean;
  if (query.afterId !== undefined) {
    const at = newestFirst.findIndex((entry) => entry.id === query.afterId);
    if (at < 0) return { unknown: query.afterId };
    data = newestFirst.slice(at + 1, at + 1 + query.limit);
    hasMore = at + 1 + query.limit < newestFirst.length;
  } else if (query.beforeId !== undefined) {
    const at = newestFirst.findIndex((entry) => entry.id === query.beforeId);
    if (at < 0) return { unknown: query.beforeId };
    const start = Math.max(0, at - query.limit);
    data = newestFirst.slice(start, at);
    hasMore = start > 0;
  } else {
    data = newestFirst.slice(0, query.limit);
    hasMore = query.limit < newestFirst.length;
  }
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
