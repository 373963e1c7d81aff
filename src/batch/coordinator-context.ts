import type { BatchConfig, BreakwaterConfig } from '../config/schema.js';
import type { BatchView } from '../contract/batch.js';
import type { Logger } from '../logging/logger.js';
import type { BatchClient } from '../providers/batch/batch-client.js';
import type { Circuit } from '../resilience/circuit.js';
import { leaseMs } from './batch-policy.js';
import type { BatchRecord } from './batch-record.js';
import type { BatchStore } from './batch-store.js';

export interface BatchCoordinatorDeps {
  store: BatchStore;
  config: BreakwaterConfig;
  circuits: { get(provider: string): Circuit };
  client: (provider: string) => BatchClient;
  /** Wakes a batched job whose outcome is ready (it sits in the delayed set). */
  wake: (jobId: string) => Promise<void>;
  /** This worker, as leases name it. */
  worker: string;
  logger: Logger;
  now?: () => number;
  /** How often collections and open batches are looked at. @defaultValue from the providers' batch config, at most 1000 */
  tickMs?: number;
  /** Counts batches and jobs batched (metrics). */
  onBatchEnd?: (record: BatchRecord) => void;
  /** Shows batches in Bull Board (their own queue); best effort. */
  board?: {
    opened(view: BatchView): Promise<void>;
    log(batchId: string, line: string): Promise<void>;
    finished(view: BatchView): Promise<void>;
  };
  /** Adds a line to a job's log (Bull Board shows it); lines that are not timeline entries stay out of the API's timeline. */
  log?: (jobId: string, line: string) => Promise<void>;
}

/** What the coordinator's steps share: its deps, its clock and each provider's batch settings. */
export interface CoordinatorContext {
  readonly deps: BatchCoordinatorDeps;
  now(): number;
  batchConfig(provider: string): BatchConfig | undefined;
  /** How long a batch of this provider waits before it is asked again. */
  pollIntervalMs(provider: string): number;
  /** How long a worker holds a batch of this provider while it takes a step. */
  leaseMs(provider: string): number;
  /** Bull Board's view of batches is best effort: it never holds a batch up. */
  show(step: (board: NonNullable<BatchCoordinatorDeps['board']>) => Promise<void>): void;
}

export function coordinatorContext(deps: BatchCoordinatorDeps): CoordinatorContext {
  const clock = deps.now ?? Date.now;
  // Provider names come from Redis records: only the config's own keys are providers.
  const providerOf = (provider: string) =>
    Object.hasOwn(deps.config.providers, provider) ? deps.config.providers[provider] : undefined;
  const batchConfig = (provider: string): BatchConfig | undefined => providerOf(provider)?.batch;
  return {
    deps,
    now: () => clock(),
    batchConfig,
    pollIntervalMs: (provider) => batchConfig(provider)?.pollIntervalMs ?? 30_000,
    leaseMs: (provider) => leaseMs(providerOf(provider)?.timeoutMs ?? 60_000),
    show(step) {
      const { board } = deps;
      if (!board) return;
      void step(board).catch((error: unknown) =>
        deps.logger.debug({ err: error }, 'batch not shown in Bull Board'),
      );
    },
  };
}
