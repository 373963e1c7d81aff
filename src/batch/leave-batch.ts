import type { BatchStore } from './batch-store.js';

/**
 * A cancelled job's batch state: out of its collection when no batch took it yet ('left'); when a
 * batch did ('claimed'), its record stays so the result finds no job and is discarded.
 */
export async function leaveBatch(store: BatchStore, jobId: string): Promise<'left' | 'claimed' | 'none'> {
  const state = await store.jobState(jobId);
  if (!state) return 'none';
  return store.leave(jobId, state);
}
