import { batchItems } from './batch-policy.js';
import type { CoordinatorContext } from './coordinator-context.js';
import { failBatch } from './end-batch.js';
import { logToJobs } from './hand-outcomes.js';
import { failedSubmit } from './item-outcome.js';

/**
 * Uploads and creates the provider batch, through the provider's breaker: a failure is a failed
 * call of that provider, and the batch's jobs go on down their chains. A batch whose submission
 * was started before (by a worker that died) is looked for at the provider first.
 */
export async function submitBatch(context: CoordinatorContext, id: string, leased: boolean): Promise<void> {
  const { deps } = context;
  const { store, worker } = deps;
  const record = await store.record(id);
  if (record?.status !== 'submitting') return;
  if (!leased && !(await store.lease(id, worker, context.leaseMs(record.provider)))) return;
  try {
    const tries = await store.submitAttempt(id);
    const client = deps.client(record.provider);
    const items = batchItems(await store.items(id));
    const search =
      tries > 1
        ? await client.find({ tag: id, since: record.createdAt, items })
        : ({ kind: 'absent' } as const);
    if (search.kind === 'undecided') {
      // Never submit while a provider batch that may be this one runs: ask again after a poll.
      const pollIntervalMs = context.pollIntervalMs(record.provider);
      await store.update(id, { nextPollAt: context.now() + pollIntervalMs });
      deps.logger.info(
        { batch: id, provider: record.provider, candidates: search.candidates },
        'batch submission waits: a provider batch that may be this one is still running',
      );
      return;
    }
    let providerBatchId = search.kind === 'found' ? search.providerBatchId : undefined;
    if (providerBatchId === undefined) {
      if (!(await store.renew(id, worker, context.leaseMs(record.provider)))) return;
      const started = context.now();
      const call = await deps.circuits
        .get(record.provider)
        .call(() => client.submit(id, record.model, items));
      if (call.kind !== 'ok') {
        const attempt = failedSubmit(record, call, started, context.now());
        deps.logger.warn(
          { batch: id, provider: record.provider, error: attempt.error },
          'batch not submitted: its jobs go on down their chains',
        );
        return failBatch(context, record, attempt.error ?? 'not submitted', attempt);
      }
      providerBatchId = call.value;
    }
    const now = context.now();
    await store.update(id, {
      status: 'in-progress',
      providerBatchId,
      submittedAt: now,
      nextPollAt: now + context.pollIntervalMs(record.provider),
    });
    deps.logger.info(
      { batch: id, providerBatchId, provider: record.provider, jobs: record.total },
      'batch submitted',
    );
    context.show((board) => board.log(id, `submitted to ${record.provider} as ${providerBatchId}`));
    const line = `in provider batch ${id} (${record.provider} ${providerBatchId}), submitted ${new Date(now).toISOString()}`;
    await logToJobs(context, [...(await store.items(id)).keys()], () => line);
  } catch (error) {
    // Left in `submitting`: the next tick (here or in another worker) looks for it and retries.
    deps.logger.warn({ err: error, batch: id }, 'batch submission interrupted; retried');
  } finally {
    await store.release(id, worker);
  }
}
