/** One offending field of a refused request, by its dotted path (`jobs.3.prompt`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: FieldProblem[];
  };
}
