/**
 * A JSON value that satisfies a JSON Schema, built from the schema alone: what a simulated provider
 * answers a structured request with. Covers the keywords structured output uses (type, properties,
 * required, items, enum, const, anyOf/oneOf/allOf, $ref into $defs or definitions, numeric and length
 * bounds, common formats) in JSON Schema and in Gemini's OpenAPI subset (upper-case types, nullable).
 * Deterministic: the same schema always gives the same value.
 */
type Schema = Record<string, unknown>;

const maxDepth = 12;

export function sampleJson(schema: unknown): unknown {
  return sample(asSchema(schema), asSchema(schema), 0);
}

function sample(schema: Schema, root: Schema, depth: number): unknown {
  if (depth > maxDepth) return null;
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const choices =
    (Array.isArray(schema.anyOf) && schema.anyOf) || (Array.isArray(schema.oneOf) && schema.oneOf);
  if (choices && choices.length > 0) return sample(asSchema(choices[0]), root, depth + 1);
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf
      .map(asSchema)
      .reduce((all, part) => mergeSchemas(all, part), withoutAllOf(schema));
    return sample(merged, root, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, root, depth);
    case 'array':
      return sampleArray(schema, root, depth);
    case 'string':
      return sampleString(schema);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return schema.properties ? sampleObject(schema, root, depth) : 'simulated';
  }
}

function sampleObject(schema: Schema, root: Schema, depth: number): Record<string, unknown> {
  const properties = asSchema(schema.properties);
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    value[name] = sample(asSchema(property), root, depth + 1);
  }
  // Required names without a property schema still need a value.
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof name === 'string' && !(name in value)) value[name] = 'simulated';
  }
  return value;
}

function sampleArray(schema: Schema, root: Schema, depth: number): unknown[] {
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.map(asSchema) : [];
  const items = asSchema(schema.items);
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(minItems, 2);
  const count = Math.max(prefix.length, Math.min(Math.max(minItems, 1), maxItems));
  return Array.from({ length: count }, (_, index) => sample(prefix[index] ?? items, root, depth + 1));
}

function sampleString(schema: Schema): string {
  const formatted = byFormat(schema.format);
  if (formatted !== undefined) return formatted;
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  let text = 'simulated';
  while (text.length < minLength) text += text;
  return text.slice(0, Math.max(minLength, Math.min(text.length, maxLength)));
}

function byFormat(format: unknown): string | undefined {
  switch (format) {
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'time':
      return '00:00:00Z';
    case 'email':
      return 'simulated@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/simulated';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    default:
      return undefined;
  }
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const minimum = numberOr(schema.minimum, numberOr(schema.exclusiveMinimum, undefined, 1), 0);
  const maximum = numberOr(schema.maximum, numberOr(schema.exclusiveMaximum, undefined, -1), 0);
  // Unbounded, a typical count or score: providers move bounds into descriptions (Anthropic) or drop them (Gemini).
  let value = minimum ?? (maximum !== undefined ? Math.min(1, maximum) : 1);
  if (integer) value = Math.ceil(value);
  if (maximum !== undefined && value > maximum) value = integer ? Math.floor(maximum) : maximum;
  return value;
}

function numberOr(value: unknown, fallback: number | undefined, nudge: number): number | undefined {
  return typeof value === 'number' ? value + nudge : fallback;
}

/** The schema's type, lower-case (Gemini's OpenAPI subset writes `OBJECT`); the first non-null of a list. */
function typeOf(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((name) => name !== 'null') : schema.type;
  return typeof type === 'string' ? type.toLowerCase() : undefined;
}

function resolveRef(reference: string, root: Schema): Schema {
  if (!reference.startsWith('#')) return {};
  let node: unknown = root;
  for (const segment of reference.slice(1).split('/').filter(Boolean)) {
    node = asSchema(node)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return asSchema(node);
}

function mergeSchemas(base: Schema, extra: Schema): Schema {
  return {
    ...base,
    ...extra,
    properties: { ...asSchema(base.properties), ...asSchema(extra.properties) },
    required: [
      ...(Array.isArray(base.required) ? base.required : []),
      ...(Array.isArray(extra.required) ? extra.required : []),
    ],
  };
}

function withoutAllOf(schema: Schema): Schema {
  const { allOf: _allOf, ...rest } = schema;
  return rest;
}

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

/**
 * A JSON value that breaks the schema: its first required property left out, or a value of the
 * wrong type. Undefined when the schema accepts anything (then only bad JSON is invalid).
 */
export function violatingJson(schema: unknown): unknown {
  const root = asSchema(schema);
  const value = sampleJson(root);
  const required = Array.isArray(root.required) ? root.required : [];
  const [first] = required;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof first === 'string') {
    const { [first]: _dropped, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  const type = typeOf(root);
  if (type === undefined) return undefined;
  return type === 'string' ? 42 : 'not what the schema asked for';
}
