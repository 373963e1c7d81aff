import type { Job } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import { assertNoConflict, duplicateKeys, type KeyedJob } from './idempotency.js';
import type { JobData } from './job-input.js';
import { jobOptions } from './job-options.js';
import type { JobSink } from './job-queues.js';
import { stampSchemaVersion } from './job-schema-version.js';
import { type FieldProblem, JobValidationError } from './job-validation-error.js';
import { validateJob } from './validate-job.js';

export interface EnqueuedJob {
  id: string;
}

/**
 * Checks valid jobs against what only the server knows (webhook addresses after DNS, its secret):
 * problems per job, in order, with paths inside the job.
 */
export type SubmitCheck = (jobs: readonly JobData[]) => Promise<FieldProblem[][]>;

/** The job name in BullMQ; one kind of job per queue. */
export const jobName = 'completion';

/**
 * Validates and enqueues one job. Throws JobValidationError (nothing written) when invalid, and
 * IdempotencyConflictError when its key already names a job with other content.
 */
export async function enqueueJob<Result>(
  queue: JobSink<Result>,
  config: BreakwaterConfig,
  input: unknown,
  check?: SubmitCheck,
): Promise<Job<JobData, Result>> {
  const validation = validateJob(input, config);
  if (validation.kind === 'invalid') throw new JobValidationError(validation.problems);
  const problems = (await check?.([validation.data]))?.flat() ?? [];
  if (problems.length > 0) throw new JobValidationError(problems);
  const data = stampSchemaVersion(validation.data);
  await assertNoConflict(queue, [{ prefix: '', data }]);
  return queue.add(jobName, data, jobOptions(data, config.queue));
}

/**
 * Validates every job first, then enqueues them all in one atomic addBulk; when any job is invalid,
 * nothing is enqueued and every problem is reported by index (`3.prompt`). Two jobs of the batch
 * with one idempotencyKey are invalid; a key that names an existing job with other content is an
 * IdempotencyConflictError.
 */
export async function enqueueJobs<Result>(
  queue: JobSink<Result>,
  config: BreakwaterConfig,
  inputs: readonly unknown[],
  check?: SubmitCheck,
): Promise<Job<JobData, Result>[]> {
  const problems: FieldProblem[] = [];
  const valid: KeyedJob[] = [];
  for (const [index, input] of inputs.entries()) {
    const validation = validateJob(input, config);
    if (validation.kind === 'invalid') {
      problems.push(
        ...validation.problems.map((problem) => ({ ...problem, path: `${index}.${problem.path}` })),
      );
    } else {
      valid.push({ prefix: `${index}.`, data: stampSchemaVersion(validation.data) });
    }
  }
  problems.push(...duplicateKeys(valid));
  if (problems.length === 0 && check) {
    const found = await check(valid.map(({ data }) => data));
    for (const [index, jobProblems] of found.entries()) {
      const prefix = valid[index]?.prefix ?? '';
      problems.push(...jobProblems.map((problem) => ({ ...problem, path: `${prefix}${problem.path}` })));
    }
  }
  if (problems.length > 0) throw new JobValidationError(problems);
  await assertNoConflict(queue, valid);
  return queue.addBulk(
    valid.map(({ data }) => ({ name: jobName, data, opts: jobOptions(data, config.queue) })),
  );
}
