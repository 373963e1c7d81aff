import { openaiWire } from '../openai-wire.js';
import { isRecord } from '../wire.js';
import type { DeskItem } from './batch-desk.js';
import { parseJson } from './http-body.js';

/** The one endpoint the simulator batches. */
export const batchEndpoint = '/v1/chat/completions';

/** Why OpenAI fails a batch at validation, as its `errors` list shows it: the first bad line (1-based; 0 for the file). */
export interface InputError {
  code: string;
  message: string;
  line: number;
}

export type ParsedLines = { items: DeskItem[] } | { error: InputError };

/** The input file's requests, or the first line that makes OpenAI fail the batch at validation. */
export function parseInputLines(content: string): ParsedLines {
  const items: DeskItem[] = [];
  const seen = new Set<string>();
  const lines = content.split('\n').filter((line) => line.trim() !== '');
  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    const value = parseJson(Buffer.from(text));
    if (!isRecord(value) || typeof value.custom_id !== 'string') {
      return {
        error: { code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', line },
      };
    }
    if (seen.has(value.custom_id)) {
      return {
        error: {
          code: 'duplicate_custom_id',
          message: 'The custom_id for this request is a duplicate of another request.',
          line,
        },
      };
    }
    seen.add(value.custom_id);
    if (value.method !== 'POST' || value.url !== batchEndpoint) {
      return {
        error: {
          code: 'invalid_url',
          message: `The URL provided for this request does not match the batch endpoint ${batchEndpoint}.`,
          line,
        },
      };
    }
    const call = openaiWire.parse(value.body, undefined);
    if ('invalid' in call) return { error: { code: 'invalid_request', message: call.invalid, line } };
    items.push({ customId: value.custom_id, call });
  }
  if (items.length === 0)
    return { error: { code: 'empty_file', message: 'The input file is empty.', line: 0 } };
  return { items };
}
