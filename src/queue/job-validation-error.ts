import { hasBrand } from '../errors/brand.js';
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `messages.0.content` or `jobs.3.prompt`. */
  path: string;
  message: string;
}

const brand = Symbol.for('breakwater.JobValidationError');

/** A job that cannot be enqueued as given; nothing was written. */
export class JobValidationError extends Error {
  readonly [brand] = true;
  override readonly name = 'JobValidationError';

  constructor(readonly problems: readonly FieldProblem[]) {
    super(`invalid job: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`);
  }

  static is(error: unknown): error is JobValidationError {
    return hasBrand(error, brand);
  }
}
