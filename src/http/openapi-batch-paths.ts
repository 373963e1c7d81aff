import { error, type JsonObject, json, v1Errors } from './openapi-parts.js';

/** The paths of provider batches: the list, newest first, and one batch. */
export function batchPaths(): JsonObject {
  return {
    '/v1/batches': {
      get: {
        summary: 'Provider batches, newest first: status, counts, cost and savings against list price',
        description:
          'Jobs on a chain entry with `batch: true` are collected per provider and model and sent as one ' +
          'provider batch (OpenAI Batch API) at the batch price; a batched job reads `batched` meanwhile.',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        ],
        responses: {
          200: { description: 'Batches', ...json('Batches') },
          400: error('Invalid limit'),
          ...v1Errors,
        },
      },
    },
    '/v1/batches/{id}': {
      get: {
        summary: 'One provider batch',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: { description: 'The batch', ...json('Batch') },
          404: error('Unknown batch'),
          ...v1Errors,
        },
      },
    },
  };
}
