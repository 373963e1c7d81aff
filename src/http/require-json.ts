import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** A body that is not declared JSON is refused with 415, rather than read as missing. */
export const requireJson: RequestHandler = (request, _response, next) => {
  if (!request.is('application/json')) {
    throw new HttpError(
      415,
      'unsupported-media-type',
      'send the body as JSON, with Content-Type: application/json',
    );
  }
  next();
};
