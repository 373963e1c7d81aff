import { hasBrand } from '../errors/brand.js';
import type { FieldProblem } from '../queue/job-validation-error.js';

const brand = Symbol.for('breakwater.HttpError');

/** What went wrong, for machines: stable across releases, unlike messages. */
export type HttpErrorCode =
  | 'invalid-request'
  | 'invalid-json'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'unauthorized'
  | 'forbidden'
  | 'upgrade-required'
  | 'not-found'
  | 'misdirected-request'
  | 'conflict'
  | 'rate-limited'
  | 'redis-unavailable'
  | 'internal';

export interface HttpErrorOptions {
  /** Offending fields, each with a dotted path (`jobs.3.prompt`). */
  fields?: readonly FieldProblem[];
  cause?: unknown;
}

/** The one error the HTTP layer throws; the error handler turns it into a JSON response. */
export class HttpError extends Error {
  readonly [brand] = true;
  override readonly name = 'HttpError';
  readonly fields: readonly FieldProblem[] | undefined;

  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.fields = options.fields;
  }

  static is(error: unknown): error is HttpError {
    return hasBrand(error, brand);
  }
}
