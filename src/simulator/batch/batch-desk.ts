import { randomUUID } from 'node:crypto';
import { composeReply } from '../compose-reply.js';
import type { ParsedCall, SuccessFacts } from '../wire.js';
import { applyBatchPatch, type BatchPatch, type BatchProfile, defaultBatchProfile } from './batch-profile.js';

/** One request of a simulated batch, as the wire handler understood it. */
export interface DeskItem {
  customId: string;
  call: ParsedCall;
}

/** How one item of an ended batch came out. */
export type DeskItemResult =
  | { kind: 'ok'; facts: SuccessFacts }
  | { kind: 'error'; status: number }
  | { kind: 'expired' }
  | { kind: 'cancelled' };

export type DeskBatchState = 'in_progress' | 'ended' | 'failed' | 'expired' | 'cancelled';

export interface DeskBatch {
  id: string;
  provider: string;
  wire: 'openai' | 'anthropic' | 'google';
  items: DeskItem[];
  createdAt: number;
  state: DeskBatchState;
  endedAt?: number;
  /** Set once ended: each item's result by custom id. */
  results?: Map<string, DeskItemResult>;
  /** What the client tagged the batch with (OpenAI metadata, Gemini display name). */
  tag?: string;
}

/** A batch as the simulator's record shows it: what it received, never the prompts. */
export interface ReceivedBatch {
  id: string;
  provider: string;
  wire: DeskBatch['wire'];
  state: DeskBatchState;
  createdAt: number;
  customIds: string[];
  tag?: string;
}

/**
 * The simulator's batch service, shared by the three batch wire formats: it keeps every batch it
 * received, ends each after its provider's turnaround (every item answered or errored, the whole
 * batch failed, or expired), and cancels on request. Time and randomness are injected.
 */
export class BatchDesk {
  readonly #profiles = new Map<string, BatchProfile>();
  readonly #batches = new Map<string, DeskBatch>();

  constructor(
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  profile(provider: string): BatchProfile {
    return this.#profiles.get(provider) ?? defaultBatchProfile();
  }

  configure(provider: string, patch: BatchPatch): BatchProfile {
    const next = applyBatchPatch(this.profile(provider), patch);
    this.#profiles.set(provider, next);
    return next;
  }

  /** The status every batch endpoint of this provider answers while its batch API is down. */
  downStatus(provider: string): number | undefined {
    return this.#profiles.get(provider)?.downStatus;
  }

  create(
    provider: string,
    wire: DeskBatch['wire'],
    items: DeskItem[],
    options: { idPrefix: string; tag?: string | undefined },
  ): DeskBatch {
    const createdAt = this.now();
    const batch: DeskBatch = {
      id: `${options.idPrefix}${randomUUID().replaceAll('-', '')}`,
      provider,
      wire,
      items,
      createdAt,
      state: 'in_progress',
      ...(options.tag === undefined ? {} : { tag: options.tag }),
    };
    this.#batches.set(batch.id, batch);
    return batch;
  }

  /** The batch, ended first if its turnaround is over; undefined when unknown to this provider. */
  get(provider: string, id: string): DeskBatch | undefined {
    const batch = this.#batches.get(id);
    if (!batch || batch.provider !== provider) return undefined;
    // The provider's turnaround as it is now: shortening it ends running batches sooner.
    if (
      batch.state === 'in_progress' &&
      this.now() >= batch.createdAt + this.profile(provider).turnaroundMs
    ) {
      this.#end(batch);
    }
    return batch;
  }

  /** This provider's batches, newest first. */
  list(provider: string): DeskBatch[] {
    return [...this.#batches.values()]
      .filter((batch) => batch.provider === provider)
      .map((batch) => this.get(provider, batch.id) ?? batch)
      .reverse();
  }

  cancel(provider: string, id: string): DeskBatch | undefined {
    const batch = this.get(provider, id);
    if (batch?.state !== 'in_progress') return batch;
    batch.state = 'cancelled';
    batch.endedAt = this.now();
    batch.results = new Map(batch.items.map((item) => [item.customId, { kind: 'cancelled' } as const]));
    return batch;
  }

  /** Every batch received, oldest first. */
  received(): ReceivedBatch[] {
    return [...this.#batches.values()].map((batch) => ({
      id: batch.id,
      provider: batch.provider,
      wire: batch.wire,
      state: batch.state,
      createdAt: batch.createdAt,
      customIds: batch.items.map((item) => item.customId),
      ...(batch.tag === undefined ? {} : { tag: batch.tag }),
    }));
  }

  reset(): void {
    this.#profiles.clear();
    this.#batches.clear();
  }

  #end(batch: DeskBatch): void {
    const profile = this.profile(batch.provider);
    batch.endedAt = this.now();
    if (profile.ending === 'fail') {
      batch.state = 'failed';
      return;
    }
    if (profile.ending === 'expire') {
      batch.state = 'expired';
      batch.results = new Map(batch.items.map((item) => [item.customId, { kind: 'expired' } as const]));
      return;
    }
    batch.state = 'ended';
    const errored = this.#pick(batch.items.length, profile.itemErrorRate);
    batch.results = new Map(
      batch.items.map((item, index): [string, DeskItemResult] => [
        item.customId,
        errored.has(index)
          ? { kind: 'error', status: profile.itemErrorStatus }
          : {
              kind: 'ok',
              facts: {
                id: `${batch.id}-${index}`,
                model: item.call.model,
                ...composeReply(batch.provider, item.call.model, item.call.promptText, item.call.maxTokens),
                createdAt: batch.endedAt ?? 0,
              },
            },
      ]),
    );
  }

  /** Exactly round(rate × count) of the indexes, chosen at random: an error rate tests can count on. */
  #pick(count: number, rate: number): Set<number> {
    const indexes = Array.from({ length: count }, (_, index) => index);
    for (let index = count - 1; index > 0; index -= 1) {
      const other = Math.floor(this.random() * (index + 1));
      [indexes[index], indexes[other]] = [indexes[other] ?? 0, indexes[index] ?? 0];
    }
    return new Set(indexes.slice(0, Math.round(count * rate)));
  }
}
