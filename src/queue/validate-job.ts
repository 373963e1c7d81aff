import type { BreakwaterConfig } from '../config/schema.js';
import type { ResolvedEntry } from '../resilience/fallback-chain.js';
import { fieldProblems } from './field-problems.js';
import { type JobData, jobInputSchema } from './job-input.js';
import { jobSchemaVersion, type StoredJobData } from './job-schema-version.js';
import type { FieldProblem } from './job-validation-error.js';
import { resolveChain } from './resolve-chain.js';

export type JobValidation =
  | { kind: 'ok'; data: JobData; chain: ResolvedEntry[] }
  | { kind: 'invalid'; problems: FieldProblem[] };

/** Validates a job against its schema and the config (route and providers exist). */
export function validateJob(input: unknown, config: BreakwaterConfig): JobValidation {
  const parsed = jobInputSchema.safeParse(input);
  if (!parsed.success) {
    return { kind: 'invalid', problems: fieldProblems(parsed.error) };
  }
  const chain = resolveChain(parsed.data, config);
  if (chain.kind === 'invalid')
    return { kind: 'invalid', problems: [{ path: chain.path, message: chain.message }] };
  return { kind: 'ok', data: parsed.data, chain: chain.chain };
}

/**
 * A job as a worker reads it from the queue: trusted when it carries the schema version it was
 * validated with when enqueued (its chain is still checked against this process's config), validated
 * in full otherwise.
 */
export function validateStoredJob(input: unknown, config: BreakwaterConfig): JobValidation {
  if (typeof input !== 'object' || input === null) return validateJob(input, config);
  const { schemaVersion, ...data } = input as StoredJobData;
  if (schemaVersion !== jobSchemaVersion) return validateJob(data, config);
  const chain = resolveChain(data, config);
  if (chain.kind === 'invalid')
    return { kind: 'invalid', problems: [{ path: chain.path, message: chain.message }] };
  return { kind: 'ok', data, chain: chain.chain };
}
