import type { JobInput } from '../contract/index.js';

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
 * Reads every line of a JSONL input before anything is sent: each line is one job (blank lines are
 * skipped) and must be a JSON object. Its fields are checked by the server, which reports each bad
 * line by its index in the batch (and knows the routes and providers).
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
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad.push({ line, text: raw, problems: ['(line): must be a JSON object, one job per line'] });
      continue;
    }
    jobs.push({ line, text: raw, job: value as JobInput });
  }
  return { jobs, bad };
}
