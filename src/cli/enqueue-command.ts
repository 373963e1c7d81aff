import { BreakwaterApiError } from '../client/breakwater-api-error.js';
import type { BreakwaterClient } from '../client/breakwater-client.js';
import type { EndedJob } from '../client/wait-for-jobs.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';
import { type BadLine, type JobLine, parseJobLines } from './read-jsonl.js';

export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
}

/** What `enqueue` needs of the client. */
export type EnqueueClient = Pick<BreakwaterClient, 'enqueueMany' | 'waitFor'>;

export interface EnqueueOptions {
  /** Wait for every job and print each result as it finishes. */
  wait: boolean;
  /** Jobs per bulk request (at most 1,000). */
  batchSize: number;
  /** Time between status sweeps while waiting. */
  pollMs: number;
  /** Writes bad lines here, verbatim, to fix and resubmit. */
  writeRejects?: ((lines: BadLine[]) => Promise<void>) | undefined;
  /** Send each job's first entry through its provider's batch API (`batch: true`). */
  batch?: boolean;
}

interface Submitted {
  line: number;
  id: string;
}

/**
 * `breakwater enqueue`: reads every line first and reports those that are not JSON by number,
 * enqueues the rest in atomic batches (a line the server refuses is reported and its batch resent
 * without it, so nothing valid is lost) printing each job's id, then optionally waits for every job.
 * Exit code 1 when any line was bad or any job failed.
 */
export async function enqueueCommand(
  client: EnqueueClient,
  text: string,
  options: EnqueueOptions,
  output: CliOutput,
): Promise<number> {
  const parsed = parseJobLines(text);
  const { bad } = parsed;
  const jobs = options.batch
    ? parsed.jobs.map((line) => ({ ...line, job: { ...line.job, batch: true } }))
    : parsed.jobs;
  const progress = new ProgressBar(output.stderr, jobs.length, 'enqueued');
  const report = (line: BadLine) => progress.message(`line ${line.line}: ${line.problems.join('; ')}\n`);
  for (const line of bad) report(line);
  const refuse = (line: BadLine) => {
    bad.push(line);
    report(line);
  };
  const submitted: Submitted[] = [];
  for (let start = 0; start < jobs.length; start += options.batchSize) {
    const accepted = await submitBatch(client, jobs.slice(start, start + options.batchSize), refuse).catch(
      (error: unknown) => {
        // Earlier batches are in the queue: say which, so a rerun can skip them.
        if (submitted.length > 0) {
          progress.message(`${submitted.length} job(s) were enqueued before this error (ids on stdout)\n`);
        }
        throw error;
      },
    );
    submitted.push(...accepted);
    progress.above(() => printIds(accepted, output));
    progress.update(Math.min(start + options.batchSize, jobs.length));
  }
  bad.sort((a, b) => a.line - b.line);
  if (bad.length > 0) await options.writeRejects?.(bad);
  output.stderr.write(
    `${submitted.length} enqueued${bad.length > 0 ? `, ${bad.length} bad line(s) not enqueued` : ''}\n`,
  );
  if (!options.wait) return bad.length > 0 ? 1 : 0;
  const failed = await waitForAll(client, submitted, options.pollMs, output);
  output.stderr.write(`${submitted.length - failed} completed, ${failed} failed or gone\n`);
  return bad.length > 0 || failed > 0 ? 1 : 0;
}

function printIds(jobs: readonly Submitted[], output: CliOutput): void {
  for (const job of jobs) output.stdout.write(`${JSON.stringify({ line: job.line, id: job.id })}\n`);
}

/** Sends one batch; lines the server refuses (named `jobs.<index>.…`) are refused and the rest resent. */
async function submitBatch(
  client: EnqueueClient,
  batch: JobLine[],
  refuse: (line: BadLine) => void,
): Promise<Submitted[]> {
  let remaining = batch;
  while (remaining.length > 0) {
    try {
      const accepted = await client.enqueueMany(remaining.map((entry) => entry.job));
      return accepted.map((job, index) => ({ line: remaining[index]?.line ?? 0, id: job.id }));
    } catch (error) {
      if (BreakwaterApiError.is(error) && error.status === 413 && remaining.length > 1) {
        // Too large for one request: send it in halves.
        const half = Math.ceil(remaining.length / 2);
        const first = await submitBatch(client, remaining.slice(0, half), refuse);
        return [...first, ...(await submitBatch(client, remaining.slice(half), refuse))];
      }
      const refused = refusedIndexes(error);
      if (refused.size === 0) throw error;
      for (const [index, problems] of refused) {
        const entry = remaining[index];
        if (entry) refuse({ line: entry.line, text: entry.text, problems });
      }
      remaining = remaining.filter((_entry, index) => !refused.has(index));
    }
  }
  return [];
}

function refusedIndexes(error: unknown): Map<number, string[]> {
  const refused = new Map<number, string[]>();
  if (!BreakwaterApiError.is(error) || error.status !== 400) return refused;
  for (const field of error.fields) {
    const match = /^jobs\.(\d+)\.?(.*)$/.exec(field.path);
    if (!match) return new Map();
    const index = Number(match[1]);
    refused.set(index, [...(refused.get(index) ?? []), `${match[2] || '(line)'}: ${field.message}`]);
  }
  return refused;
}

/** Waits until every job has ended, printing each as one JSON line as it ends; returns how many failed. */
async function waitForAll(
  client: EnqueueClient,
  submitted: Submitted[],
  pollMs: number,
  output: CliOutput,
): Promise<number> {
  const lines = new Map(submitted.map((job) => [job.id, job.line]));
  const progress = new ProgressBar(output.stderr, lines.size, 'finished');
  let failed = 0;
  let ended = 0;
  for await (const job of client.waitFor(lines.keys(), { intervalMs: pollMs })) {
    if (job.state !== 'completed') failed += 1;
    ended += 1;
    progress.above(() => output.stdout.write(`${JSON.stringify(endedLine(lines.get(job.id) ?? 0, job))}\n`));
    progress.update(ended);
  }
  return failed;
}

function endedLine(line: number, job: EndedJob) {
  return {
    line,
    id: job.id,
    state: job.state,
    ...(job.state !== 'gone' && job.result ? { result: job.result } : {}),
    ...(job.state !== 'gone' && job.error ? { error: job.error } : {}),
  };
}
