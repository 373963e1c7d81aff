import { z } from 'zod';

/** How a simulated provider's batch endpoints behave. */
export interface BatchProfile {
  /** How long after creation a batch ends. */
  turnaroundMs: number;
  /** Fraction (0..1) of each batch's items that end in an error instead of an answer: exactly, rounded. */
  itemErrorRate: number;
  /** The status an errored item carries. */
  itemErrorStatus: number;
  /** How a batch ends once its turnaround is over: every item run, the whole batch failed, or expired. */
  ending: 'complete' | 'fail' | 'expire';
  /** When set, every batch endpoint answers this status (the batch API is down). */
  downStatus?: number;
}

export const defaultBatchProfile = (): BatchProfile => ({
  turnaroundMs: 1_000,
  itemErrorRate: 0,
  itemErrorStatus: 500,
  ending: 'complete',
});

const status = z.number().int().min(400).max(599);

/** A change to a batch profile, as accepted by `configureBatches()` and `PUT /_control/batches/{provider}`. */
export const batchPatchSchema = z
  .object({
    turnaroundMs: z.number().min(0).optional(),
    itemErrorRate: z.number().min(0).max(1).optional(),
    itemErrorStatus: status.optional(),
    ending: z.enum(['complete', 'fail', 'expire']).optional(),
    downStatus: status.nullable().optional(),
  })
  .strict();
export type BatchPatch = z.input<typeof batchPatchSchema>;

export function applyBatchPatch(profile: BatchProfile, input: BatchPatch): BatchProfile {
  const patch = batchPatchSchema.parse(input);
  const next: BatchProfile = { ...profile };
  if (patch.turnaroundMs !== undefined) next.turnaroundMs = patch.turnaroundMs;
  if (patch.itemErrorRate !== undefined) next.itemErrorRate = patch.itemErrorRate;
  if (patch.itemErrorStatus !== undefined) next.itemErrorStatus = patch.itemErrorStatus;
  if (patch.ending !== undefined) next.ending = patch.ending;
  if (patch.downStatus === null) delete next.downStatus;
  else if (patch.downStatus !== undefined) next.downStatus = patch.downStatus;
  return next;
}
