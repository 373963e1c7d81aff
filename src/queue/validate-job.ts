import type { z } from 'zod';
import type { BreakwaterConfig } from '../config/schema.js';
import type { ResolvedEntry } from '../resilience/fallback-chain.js';
import { type JobData, jobInputSchema } from './job-input.js';
import type { FieldProblem } from './job-validation-error.js';
import { resolveChain } from './resolve-chain.js';

export type JobValidation =
  | { kind: 'ok'; data: JobData; chain: ResolvedEntry[] }
  | { kind: 'invalid'; problems: FieldProblem[] };

/** Validates a job against its schema and the config (route and providers exist). */
export function validateJob(input: unknown, config: BreakwaterConfig): JobValidation {
  const parsed = jobInputSchema.safeParse(input);
  if (!parsed.success) {
    return { kind: 'invalid', problems: parsed.error.issues.flatMap(problemsOf) };
  }
  const chain = resolveChain(parsed.data, config);
  if (chain.kind === 'invalid')
    return { kind: 'invalid', problems: [{ path: chain.path, message: chain.message }] };
  return { kind: 'ok', data: parsed.data, chain: chain.chain };
}

/** One problem per offending field; an unknown key is named by its own path. */
function problemsOf(issue: z.core.$ZodIssue): FieldProblem[] {
  const parent = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...parent, key].join('.'), message: 'unknown field' }));
  }
  return [{ path: parent.length > 0 ? parent.join('.') : '(body)', message: issue.message }];
}
