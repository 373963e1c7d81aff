import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * A job's output schema, compiled once per distinct schema by a real JSON Schema validator (ajv,
 * draft 2020-12). Not strict: producers' schemas carry annotations and vendor keywords (`x-…`,
 * `nullable`) that providers accept; the schema must still be a valid draft 2020-12 schema.
 * Formats are annotations here, as in the draft itself: nothing a provider returns fails on them.
 */
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });

/** Compiled validators by schema text; bounded, oldest dropped first. */
const compiled = new Map<string, ValidateFunction>();
const maxCompiled = 500;

export type CompiledSchema =
  | { kind: 'ok'; validate: ValidateFunction }
  | { kind: 'invalid'; message: string };

export function compileSchema(schema: Readonly<Record<string, unknown>>): CompiledSchema {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached) return { kind: 'ok', validate: cached };
  try {
    const validate = ajv.compile(schema);
    if (compiled.size >= maxCompiled) {
      const oldest = compiled.keys().next().value;
      if (oldest !== undefined) compiled.delete(oldest);
    }
    compiled.set(key, validate);
    return { kind: 'ok', validate };
  } catch (error) {
    return { kind: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Why a schema cannot be used for structured output, or undefined when it can. */
export function schemaProblem(schema: Readonly<Record<string, unknown>>): string | undefined {
  if (schema.type !== 'object') {
    return 'the root must be {"type": "object"} (providers return an object); wrap other values in a property';
  }
  const result = compileSchema(schema);
  return result.kind === 'invalid' ? `not a valid JSON Schema (draft 2020-12): ${result.message}` : undefined;
}

/** Each way `value` fails `schema` (`/topics/0: must be string`); empty when it validates. */
export function validationErrors(schema: Readonly<Record<string, unknown>>, value: unknown): string[] {
  const result = compileSchema(schema);
  if (result.kind === 'invalid') return [`schema: ${result.message}`];
  if (result.validate(value)) return [];
  return (result.validate.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword}`;
}
