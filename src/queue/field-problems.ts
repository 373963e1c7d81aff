import type { z } from 'zod';
import type { FieldProblem } from './job-validation-error.js';

/**
 * A zod error as problems by field: one per offending field, an unknown key named by its own path
 * (`colour: unknown field`), a problem of the whole value under `root`.
 */
export function fieldProblems(error: z.ZodError, root = '(body)'): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const parent = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...parent, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: parent.length > 0 ? parent.join('.') : root, message: issue.message }];
  });
}
