import { hasBrand } from '../errors/brand.js';
import type { JobData } from './job-input.js';
import { idempotentJobId } from './job-options.js';
import type { JobSink } from './job-queues.js';
import type { FieldProblem } from './job-validation-error.js';

const brand = Symbol.for('breakwater.IdempotencyConflictError');

/** An idempotencyKey already names a job with other content: nothing was enqueued. */
export class IdempotencyConflictError extends Error {
  readonly [brand] = true;
  override readonly name = 'IdempotencyConflictError';

  constructor(readonly problems: readonly FieldProblem[]) {
    super(
      `idempotency conflict: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
    );
  }

  static is(error: unknown): error is IdempotencyConflictError {
    return hasBrand(error, brand);
  }
}

export interface KeyedJob {
  /** Where the job sits in the request (`3.idempotencyKey`), or '' for a single job. */
  prefix: string;
  data: JobData;
}

/** Jobs of one request that repeat a key of an earlier job of the same request. */
export function duplicateKeys(jobs: readonly KeyedJob[]): FieldProblem[] {
  const first = new Map<string, string>();
  const problems: FieldProblem[] = [];
  for (const job of jobs) {
    const key = job.data.idempotencyKey;
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, job.prefix);
    else problems.push({ path: `${job.prefix}idempotencyKey`, message: `repeats the key of job ${earlier}` });
  }
  return problems;
}

/**
 * Throws IdempotencyConflictError when a key already names a job whose content differs: the same key
 * must mean the same job, so a changed payload is an error rather than silently the old job.
 */
export async function assertNoConflict(
  queue: Pick<JobSink, 'getJob'>,
  jobs: readonly KeyedJob[],
): Promise<void> {
  const keyed = jobs.filter((job) => job.data.idempotencyKey !== undefined);
  const existing = await Promise.all(
    keyed.map((job) => queue.getJob(idempotentJobId(job.data.idempotencyKey as string))),
  );
  const problems = keyed.flatMap((job, index): FieldProblem[] => {
    const earlier = existing[index];
    if (!earlier || canonical(content(earlier.data)) === canonical(content(job.data))) return [];
    return [
      {
        path: `${job.prefix}idempotencyKey`,
        message: `already names job ${earlier.id} with different content; use a new key`,
      },
    ];
  });
  if (problems.length > 0) throw new IdempotencyConflictError(problems);
}

/** What a job asks for: its data without the schema version stamp (a job stored before it had none). */
function content(data: object): object {
  const { schemaVersion: _version, ...rest } = data as { schemaVersion?: number };
  return rest;
}

/** JSON with sorted keys, so key order does not make two equal jobs differ. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
