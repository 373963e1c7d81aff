import { hasBrand } from '../errors/brand.js';

const brand = Symbol.for('breakwater.BreakwaterApiError');

export interface ApiFieldProblem {
  path: string;
  message: string;
}

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
    return hasBrand(error, brand);
  }
}
