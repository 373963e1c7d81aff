import { hasBrand } from '../errors/brand.js';

const brand = Symbol.for('breakwater.RetryableJobError');

/** Every call of this run failed while some provider of the chain is still closed: retry later. */
export class RetryableJobError extends Error {
  readonly [brand] = true;
  override readonly name = 'RetryableJobError';

  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  static is(error: unknown): error is RetryableJobError {
    return hasBrand(error, brand);
  }
}
