import { jobInputSchema } from '../queue/job-input.js';
import { flowDocSchemas } from './flow-docs.js';
import { batchPaths } from './openapi-batch-paths.js';
import { jobPaths } from './openapi-job-paths.js';
import { opsPaths } from './openapi-ops-paths.js';
import { type JsonObject, schemaOf } from './openapi-parts.js';
import { providerPaths } from './openapi-provider-paths.js';
import {
  acceptedJobSchema,
  batchListSchema,
  batchViewSchema,
  bulkAcceptedSchema,
  bulkRequestDocSchema,
  closeRequestSchema,
  errorBodySchema,
  healthSchema,
  jobViewSchema,
  openRequestSchema,
  providerStatusSchema,
  providersResponseSchema,
  webhookEventSchema,
} from './schemas.js';
import { statsReportSchema } from './stats-schema.js';

/** The OpenAPI 3.0 document, generated from the zod schemas that validate requests. */
export function openApiDocument(version: string): JsonObject {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Breakwater',
      version,
      description:
        'Submit non-urgent AI jobs; workers run them through per-provider circuit breakers and each ' +
        "job's fallback chain, and defer them (no attempt spent) while every provider is down.",
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'BREAKWATER_API_TOKEN' } },
      schemas: {
        JobInput: schemaOf(jobInputSchema, 'input'),
        BulkRequest: schemaOf(bulkRequestDocSchema, 'input'),
        AcceptedJob: schemaOf(acceptedJobSchema, 'output'),
        BulkAccepted: schemaOf(bulkAcceptedSchema, 'output'),
        JobView: schemaOf(jobViewSchema, 'output'),
        WebhookEvent: schemaOf(webhookEventSchema, 'output'),
        Providers: schemaOf(providersResponseSchema, 'output'),
        Provider: schemaOf(providerStatusSchema, 'output'),
        OpenRequest: schemaOf(openRequestSchema, 'input'),
        CloseRequest: schemaOf(closeRequestSchema, 'input'),
        Health: schemaOf(healthSchema, 'output'),
        Stats: schemaOf(statsReportSchema, 'output'),
        Batches: schemaOf(batchListSchema, 'output'),
        Batch: schemaOf(batchViewSchema, 'output'),
        Error: schemaOf(errorBodySchema, 'output'),
        ...flowDocSchemas,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      ...jobPaths(),
      ...providerPaths(),
      ...batchPaths(),
      ...opsPaths(),
    },
  };
}
