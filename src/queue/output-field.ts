import { z } from 'zod';
import { schemaProblem } from '../structured/json-schema.js';
import { jsonDepth, maxMetadataDepth } from './metadata-limits.js';

/**
 * Longest output schema, as JSON. ajv compiles a schema into code: an untrusted schema is bounded in
 * size and depth so compiling it stays cheap (ajv's own security advice).
 */
export const maxSchemaChars = 100_000;

/**
 * A structured job's `output`: the JSON Schema its answer must match, checked with a real validator
 * when the job is submitted, so a schema no provider could honour is a 400, not a failed job.
 */
export const outputFieldSchema = z
  .object({
    schema: z
      .record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' })
      .superRefine((schema, context) => {
        // Depth first: compiling a hostile schema recurses as deep as it nests.
        if (jsonDepth(schema) > maxMetadataDepth) {
          context.addIssue({ code: 'custom', message: `nests more than ${maxMetadataDepth} levels deep` });
          return;
        }
        const size = JSON.stringify(schema).length;
        if (size > maxSchemaChars) {
          context.addIssue({
            code: 'custom',
            message: `is ${size} characters as JSON; at most ${maxSchemaChars}`,
          });
          return;
        }
        const problem = schemaProblem(schema);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .describe('The JSON Schema (draft 2020-12) the answer must match; its root is an object.'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
      .optional()
      .describe('A name for the output, given to providers that take one (schema or tool name).'),
  })
  .strict()
  .describe('Ask for a JSON object matching a schema: the result carries it as `object`.');

export type OutputField = z.output<typeof outputFieldSchema>;
