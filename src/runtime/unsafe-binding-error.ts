import { hasBrand } from '../errors/brand.js';

const brand = Symbol.for('breakwater.UnsafeBindingError');

/** The API would listen beyond loopback with no token: anyone on the network could submit jobs. */
export class UnsafeBindingError extends Error {
  readonly [brand] = true;
  override readonly name = 'UnsafeBindingError';

  constructor(readonly host: string) {
    super(
      `HOST=${host} exposes the API to the network without auth; set BREAKWATER_API_TOKEN to a long random ` +
        'secret (or HOST=127.0.0.1, or BREAKWATER_ALLOW_UNAUTHENTICATED=1 to accept the risk)',
    );
  }

  static is(error: unknown): error is UnsafeBindingError {
    return hasBrand(error, brand);
  }
}
