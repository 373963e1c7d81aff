import type { FieldProblem } from '../contract/index.js';

/** An offending field of a refused request. */
export type ApiFieldProblem = FieldProblem;

const brand = Symbol.for('breakwater.BreakwaterApiError');

/**
 * The API refused a request (status and code as the server sent them, with the offending fields), or
 * could not be reached (status 0, code `unreachable`).
 */
export class BreakwaterApiError extends Error {
  readonly [brand] = true;
  override readonly name = 'BreakwaterApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly ApiFieldProblem[] = [],
  ) {
    super(message);
  }

  static is(error: unknown): error is BreakwaterApiError {
    // By brand, not instanceof: recognised across copies of the package.
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[brand] === true;
  }
}
