import { fieldProblems } from '../queue/field-problems.js';
import { type JobInput, jobInputSchema } from '../queue/job-input.js';

export interface JobLine {
  /** 1-based line number in the input. */
  line: number;
  /** The line as it was. */
  text: string;
  job: JobInput;
}

export interface BadLine {
  line: number;
  /** The line as it was, so it can be fixed and resubmitted. */
  text: string;
  problems: string[];
}

export interface ParsedJobs {
  jobs: JobLine[];
  bad: BadLine[];
}

/**
 * Parses and validates every line of a JSONL input before anything is sent: each line is one job
 * (blank lines are skipped). Routes and providers are checked by the server, which knows the config.
 */
export function parseJobLines(text: string): ParsedJobs {
  const jobs: JobLine[] = [];
  const bad: BadLine[] = [];
  // A byte-order mark (Windows editors, PowerShell) is not part of the first line's JSON.
  for (const [index, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      bad.push({ line, text: raw, problems: ['not valid JSON'] });
      continue;
    }
    const parsed = jobInputSchema.safeParse(value);
    if (parsed.success) jobs.push({ line, text: raw, job: value as JobInput });
    else {
      const problems = fieldProblems(parsed.error, '(line)').map(
        (problem) => `${problem.path}: ${problem.message}`,
      );
      bad.push({ line, text: raw, problems });
    }
  }
  return { jobs, bad };
}
