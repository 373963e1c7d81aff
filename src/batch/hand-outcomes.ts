import type { ItemOutcome } from './batch-record.js';
import type { CoordinatorContext } from './coordinator-context.js';
import { handedLine } from './item-outcome.js';

/** Jobs woken at once while a batch's results are applied. */
const applyConcurrency = 50;

/** Gives each job its outcome, notes it in the job's log and wakes the job, 50 jobs at a time. */
export async function handOutcomes(
  context: CoordinatorContext,
  outcomes: ReadonlyArray<readonly [string, ItemOutcome]>,
): Promise<void> {
  const { deps } = context;
  await inGroups(outcomes, async ([jobId, outcome]) => {
    await deps.store.setOutcome(jobId, outcome);
    await deps.log?.(jobId, handedLine(outcome)).catch(() => undefined);
    await deps
      .wake(jobId)
      .catch((error: unknown) =>
        deps.logger.debug({ err: error, jobId }, 'batched job not woken; its own timer will'),
      );
  });
}

/** Writes one line to each job's log; a job removed meanwhile gets none. */
export async function logToJobs(
  context: CoordinatorContext,
  jobIds: readonly string[],
  line: (jobId: string) => string,
): Promise<void> {
  const { log } = context.deps;
  if (!log) return;
  await inGroups(jobIds, (jobId) => log(jobId, line(jobId)).catch(() => undefined));
}

/** Runs `step` for every item, `applyConcurrency` at a time, one group after another. */
async function inGroups<T>(items: readonly T[], step: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += applyConcurrency) {
    await Promise.all(items.slice(start, start + applyConcurrency).map(step));
  }
}
