import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/**
 * A body that is not declared JSON is refused with 415, rather than read as missing. A request
 * declared JSON but sent without a body is a 400: the type was right, the JSON is missing.
 */
export const requireJson: RequestHandler = (request, _response, next) => {
  const empty = request.headers['content-length'] === '0';
  if (request.is('application/json') && !empty) return next();
  if (declaresJson(request.headers['content-type'])) {
    throw new HttpError(400, 'invalid-json', 'the request body is empty; send a JSON object');
  }
  throw new HttpError(
    415,
    'unsupported-media-type',
    'send the body as JSON, with Content-Type: application/json',
  );
};

/** `request.is` answers null for a request without a body, so the header is read directly. */
function declaresJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
