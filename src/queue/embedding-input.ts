import { z } from 'zod';

/** Most strings one embedding job may carry. */
export const maxEmbeddingInputs = 2_048;

/** An embedding job's `input`: one string or a list of them. */
export const embeddingInputSchema = (maxChars: number, tooLong: string) =>
  z
    .union(
      [
        z.string().min(1, 'must not be empty').max(maxChars, tooLong),
        z
          .array(z.string().min(1, 'must not be empty').max(maxChars, tooLong))
          .min(1, 'needs at least one string')
          .max(
            maxEmbeddingInputs,
            `at most ${maxEmbeddingInputs} strings; split the corpus into several jobs`,
          ),
      ],
      {
        error: (issue) =>
          issue.code === 'invalid_union' ? 'must be a string or an array of strings' : undefined,
      },
    )
    .describe(`With kind "embed": the text to embed, one string or up to ${maxEmbeddingInputs}.`);

/** Fields only a completion takes; an embedding job names none of them. */
const completionOnly = ['messages', 'prompt', 'system', 'maxTokens', 'temperature', 'output'] as const;

interface KindFields {
  kind?: 'complete' | 'embed' | undefined;
  input?: unknown;
  messages?: unknown;
  prompt?: unknown;
  system?: unknown;
  maxTokens?: unknown;
  temperature?: unknown;
  output?: unknown;
}

/** Fields that do not belong to the job's kind: `input` on a completion, `prompt` on an embedding. */
export function kindProblems(job: KindFields): { path: string; message: string }[] {
  if (job.kind !== 'embed') {
    return job.input === undefined
      ? []
      : [
          {
            path: 'input',
            message: 'only an embedding job takes input; give kind "embed", or messages or prompt',
          },
        ];
  }
  const problems: { path: string; message: string }[] = completionOnly
    .filter((field) => job[field] !== undefined)
    .map((field) => ({ path: field, message: 'an embedding job takes input, not this field' }));
  if (job.input === undefined) problems.push({ path: 'input', message: 'an embedding job needs input' });
  return problems;
}

/** The strings an embedding job embeds, in order. */
export function embeddingValues(input: string | readonly string[]): string[] {
  return typeof input === 'string' ? [input] : [...input];
}
