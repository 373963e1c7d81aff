import { hasBrand } from '../errors/brand.js';

const brand = Symbol.for('breakwater.CallAbortedError');

/** The caller aborted the call (job cancelled, worker closing). Not the provider's fault. */
export class CallAbortedError extends Error {
  readonly [brand] = true;
  override readonly name = 'CallAbortedError';

  constructor(reason: unknown) {
    super(`call aborted by the caller${reason instanceof Error ? `: ${reason.message}` : ''}`);
  }

  static is(error: unknown): error is CallAbortedError {
    return hasBrand(error, brand);
  }
}
