import { setTimeout as delay } from 'node:timers/promises';
import { BreakwaterApiError } from '../client/breakwater-api-error.js';
import { type BreakwaterClient, finalEvents } from '../client/breakwater-client.js';
import type { JobView } from '../http/schemas.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';
import { type BadLine, type JobLine, parseJobLines } from './read-jsonl.js';

export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
}

export interface EnqueueOptions {
  /** Wait for every job and print each result as it finishes. */
  wait: boolean;
  /** Jobs per bulk request (at most 1,000). */
  batchSize: number;
  /** Time between status sweeps while waiting. */
  pollMs: number;
  /** Writes bad lines here, verbatim, to fix and resubmit. */
  writeRejects?: ((lines: BadLine[]) => Promise<void>) | undefined;
}

interface Submitted {
  line: number;
  id: string;
}

/**
 * `breakwater enqueue`: validates every line first and reports bad ones by number, enqueues the rest
 * in atomic batches (a line the server refuses is reported and its batch resent without it, so
 * nothing valid is lost), then optionally waits. Exit code 1 when any line was bad or any job failed.
 */
export async function enqueueCommand(
  client: BreakwaterClient,
  text: string,
  options: EnqueueOptions,
  output: CliOutput,
): Promise<number> {
  const { jobs, bad } = parseJobLines(text);
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
          output.stderr.write(`${submitted.length} job(s) were enqueued before this error (ids on stdout)\n`);
          printIds(submitted, output);
        }
        throw error;
      },
    );
    submitted.push(...accepted);
    if (!options.wait) printIds(accepted, output);
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
  client: BreakwaterClient,
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

/** With the event stream, how often every pending job is still read, in case an event was missed. */
const safetySweepMs = 10_000;

/**
 * Waits until every job has finished, printing each as one JSON line; returns how many failed. A job
 * is read again as soon as `/v1/events` says it finished; every pending job is swept on start and
 * then every 10 s as a safety net — or every `pollMs` where the event stream is unavailable.
 */
async function waitForAll(
  client: BreakwaterClient,
  submitted: Submitted[],
  pollMs: number,
  output: CliOutput,
): Promise<number> {
  const pending = new Map(submitted.map((job) => [job.id, job.line]));
  const progress = new ProgressBar(output.stderr, submitted.length, 'finished');
  const finishedNow = new Set<string>();
  let wake: () => void = () => undefined;
  const subscription = await client
    .events((event) => {
      if (event.type !== 'job' || !finalEvents.has(event.event) || !pending.has(event.jobId)) return;
      finishedNow.add(event.jobId);
      wake();
    })
    .catch(() => undefined);
  // A stream that drops mid-wait hands over to polling at once.
  let live = subscription !== undefined;
  void subscription?.closed.then(() => {
    live = false;
    wake();
  });
  const sweepEveryMs = () => (live ? Math.max(pollMs, safetySweepMs) : pollMs);
  let failed = 0;
  let lastSweep = Number.NEGATIVE_INFINITY;
  try {
    while (pending.size > 0) {
      const sweep = Date.now() - lastSweep >= sweepEveryMs();
      if (sweep) lastSweep = Date.now();
      const ids = sweep ? [...pending.keys()] : [...finishedNow].filter((id) => pending.has(id));
      finishedNow.clear();
      const views = await mapLimited(ids, 16, (id) => lookUp(client, id));
      for (const view of views) {
        if (view.state !== 'completed' && view.state !== 'failed' && view.state !== 'gone') continue;
        if (view.state !== 'completed') failed += 1;
        output.stdout.write(`${JSON.stringify(finishedLine(pending.get(view.id) ?? 0, view))}\n`);
        pending.delete(view.id);
        progress.update(submitted.length - pending.size);
      }
      if (pending.size === 0 || finishedNow.size > 0) continue;
      const early = new AbortController();
      wake = () => early.abort();
      await delay(Math.max(0, lastSweep + sweepEveryMs() - Date.now()), undefined, {
        signal: early.signal,
      }).catch(() => undefined);
      wake = () => undefined;
    }
  } finally {
    subscription?.close();
  }
  return failed;
}

/** A job that was cancelled or removed meanwhile is `gone`, not a reason to stop waiting for the rest. */
async function lookUp(
  client: BreakwaterClient,
  id: string,
): Promise<JobView | { id: string; state: 'gone' }> {
  try {
    return await client.get(id);
  } catch (error) {
    if (BreakwaterApiError.is(error) && error.status === 404) return { id, state: 'gone' };
    throw error;
  }
}

function finishedLine(line: number, view: JobView | { id: string; state: 'gone' }) {
  return {
    line,
    id: view.id,
    state: view.state,
    ...('result' in view && view.result ? { result: view.result } : {}),
    ...('error' in view && view.error ? { error: view.error } : {}),
  };
}

async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}
