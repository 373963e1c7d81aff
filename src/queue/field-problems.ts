import type { z } from 'zod';
import type { FieldProblem } from './job-validation-error.js';

type Issue = z.core.$ZodIssue;

/**
 * A zod error as problems by field: one per offending field, an unknown key named by its own path
 * (`colour: unknown field`), a problem of the whole value under `root`. A union whose input matched
 * one branch's type (an array of content parts, not a string) reports that branch's own problems.
 */
export function fieldProblems(error: z.ZodError, root = '(body)'): FieldProblem[] {
  return error.issues.flatMap((issue) => problemsOf(issue, [], root));
}

function problemsOf(issue: Issue, prefix: readonly PropertyKey[], root: string): FieldProblem[] {
  const parent = [...prefix, ...issue.path].map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...parent, key].join('.'), message: 'unknown field' }));
  }
  if (issue.code === 'invalid_union') {
    const matched = issue.errors.filter(
      (branch) => !branch.some((nested) => nested.code === 'invalid_type' && nested.path.length === 0),
    );
    const [branch] = matched;
    if (matched.length === 1 && branch && branch.length > 0) {
      return branch.flatMap((nested) => problemsOf(nested, parent, root));
    }
  }
  return [{ path: parent.length > 0 ? parent.join('.') : root, message: issue.message }];
}
