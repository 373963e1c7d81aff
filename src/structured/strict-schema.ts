type Schema = Record<string, unknown>;

/** Keywords whose values are subschemas, or lists or maps of them. */
const nested = ['items', 'not', 'additionalProperties'] as const;
const lists = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const maps = ['properties', '$defs', 'definitions'] as const;

/**
 * Whether OpenAI's strict structured outputs can take a schema as it is: every object closed
 * (`additionalProperties: false`) and every property required. Strict mode refuses any other
 * schema with a 400, so a schema that is not strict-ready is sent with `strict: false` instead (the
 * answer is validated against it either way).
 */
export function strictReady(schema: unknown): boolean {
  const pending: unknown[] = [schema];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isSchema(node)) continue;
    if (node.type === 'object' || isSchema(node.properties)) {
      const properties = isSchema(node.properties) ? Object.keys(node.properties) : [];
      const required = Array.isArray(node.required) ? node.required : [];
      if (node.additionalProperties !== false) return false;
      if (!properties.every((name) => required.includes(name))) return false;
    }
    for (const key of nested) if (isSchema(node[key])) pending.push(node[key]);
    for (const key of lists) if (Array.isArray(node[key])) pending.push(...node[key]);
    for (const key of maps) if (isSchema(node[key])) pending.push(...Object.values(node[key]));
  }
  return true;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
