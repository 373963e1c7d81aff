import type { JobData } from './job-input.js';

/**
 * The version of the job schema a producer validated a job with, stamped into its data. A worker
 * trusts a job that carries the current version (it was validated when enqueued) and validates any
 * other in full: one written by an older producer, by plain BullMQ, or edited in Redis.
 */
export const jobSchemaVersion = 1;

/** Job data as stored in the queue: validated data, stamped with the schema version. */
export type StoredJobData = JobData & { schemaVersion?: number };

export function stampSchemaVersion(data: JobData): StoredJobData {
  return { ...data, schemaVersion: jobSchemaVersion };
}
