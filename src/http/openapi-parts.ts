import { type ZodType, z } from 'zod';

/** The building blocks of the OpenAPI document: schema conversion, references, shared responses. */

export type JsonObject = Record<string, unknown>;

export function schemaOf(schema: ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  });
  return json;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
export const error = (description: string) => ({ description, ...json('Error') });
export const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
export const nameParameter = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
/** Responses every /v1 route can give. */
export const v1Errors = {
  401: error('Missing or wrong token'),
  421: error('The Host header names no host this API answers to (see api.allowedHosts)'),
  503: error('Redis is unreachable; retry later'),
};
export const bodyErrors = {
  413: error('The body is too large'),
  415: error('The body is not sent as application/json'),
};

/**
 * The job's end, POSTed to its webhook (or the config's `webhooks.url`) with the Standard Webhooks
 * headers; a 2xx acknowledges it, a 410 stops it, anything else is retried.
 */
export const jobEndedCallback = {
  '{$request.body#/webhook/url}': {
    post: {
      summary: 'The job completed, or failed for good',
      description:
        'Signed with BREAKWATER_WEBHOOK_SECRET: headers webhook-id (the same for every attempt: ' +
        'de-duplicate on it), webhook-timestamp and webhook-signature (v1,<base64 HMAC-SHA256>).',
      requestBody: { required: true, ...json('WebhookEvent') },
      responses: {
        200: { description: 'Any 2xx: delivered' },
        410: { description: 'Gone: no more attempts' },
      },
    },
  },
};
