import { createHash } from 'node:crypto';

/** What decides an answer: the fields of a job the cache key is made of. */
export interface CacheKeySource {
  /** Text, or parts (text and images) for a message that carries images. */
  messages?: readonly { role: string; content: unknown }[] | undefined;
  prompt?: string | undefined;
  system?: string | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** The job's structured-output schema (`output.schema`), when it asks for one. */
  output?: unknown;
}

/**
 * The hash two jobs share exactly when the same answer serves both: the chain's provider/model pairs
 * in order, the messages or prompt, system, maxTokens, temperature and the output schema. Never the
 * key, the metadata, the priority or anything else that does not change the answer. Objects are
 * hashed with sorted keys, so a schema written in another key order is the same schema.
 */
export function cacheKey(job: CacheKeySource, chain: readonly { provider: string; model: string }[]): string {
  const decided = {
    version: 1,
    chain: chain.map((entry) => [entry.provider, entry.model]),
    messages: job.messages?.map((message) => [message.role, message.content]) ?? null,
    prompt: job.prompt ?? null,
    system: job.system ?? null,
    maxTokens: job.maxTokens ?? null,
    temperature: job.temperature ?? null,
    schema: outputSchemaOf(job.output) ?? null,
  };
  return createHash('sha256').update(canonicalJson(decided)).digest('hex');
}

/** `output.schema`, read defensively: jobs from older producers carry no `output`. */
function outputSchemaOf(output: unknown): unknown {
  if (typeof output !== 'object' || output === null) return undefined;
  return (output as { schema?: unknown }).schema;
}

/** JSON with every object's keys sorted: one text per value, whatever order it was written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
