import type { CallStrategy } from '../contract/job-input.js';
import type { ProviderResult } from '../providers/run-request.js';
import { type SetTimer, timerAtLeast } from '../time/timer-at-least.js';
import type { Refusal } from './refusal.js';

/** How one entry's attempt ended, as the lanes see it. */
export type LaneStep =
  /** It answered: the job is served. */
  | { kind: 'ok'; result: ProviderResult }
  /** Skipped, failed or lost a race: another entry may serve the job. */
  | { kind: 'next' }
  /** No capacity and the entry says `onLimit: wait`: no further entry is started. */
  | { kind: 'wait'; refusal: Refusal }
  /** The job itself was aborted (cancelled, or the worker is closing). */
  | { kind: 'aborted' };

/** How the lanes ended. */
export type LanesEnd =
  | { kind: 'ok'; index: number; result: ProviderResult }
  | { kind: 'wait'; refusal: Refusal }
  | { kind: 'aborted' }
  /** Every entry was tried (or skipped) and none answered. */
  | { kind: 'exhausted' };

/** When the lanes start the next entry, given what is running: a pure decision. */
export interface LanePolicy {
  /** Entries called at once at most. */
  maxInFlight: number;
  /** Start another entry when the running ones have not answered within this long. */
  hedgeAfterMs?: number;
}

export function lanePolicy(strategy: CallStrategy): LanePolicy {
  if (strategy === 'sequential') return { maxInFlight: 1 };
  if (strategy === 'race') return { maxInFlight: 2 };
  return { maxInFlight: 2, hedgeAfterMs: strategy.hedgeAfterMs };
}

export interface LanesOptions {
  entries: number;
  strategy: CallStrategy;
  /** One entry's attempt; it calls `calling` when its request goes out (a hedge counts from then). */
  attempt: (index: number, lane: AbortSignal, calling: () => void) => Promise<LaneStep>;
  signal?: AbortSignal;
  /** Timers, for tests. @defaultValue {@link timerAtLeast} */
  setTimer?: SetTimer;
}

/**
 * Runs a chain's entries in lanes: one after another (`sequential`), the first two available at
 * once (`race`: a skipped entry frees its lane for the next at once), or the next only when the
 * running one has not answered within `hedgeAfterMs` of its request going out. The first answer wins; the other lanes are
 * aborted and awaited, so their attempts are recorded before the walk ends.
 */
export function runLanes(options: LanesOptions): Promise<LanesEnd> {
  // Not async itself: handing on another async function's promise would cost extra ticks per walk.
  return options.strategy === 'sequential' ? runInTurn(options) : runParallel(options);
}

/** `race` and `hedge`: entries in flight at once, the first answer wins, the others are aborted. */
async function runParallel(options: LanesOptions): Promise<LanesEnd> {
  const policy = lanePolicy(options.strategy);
  // Never early by the clock: the hedge goes out `hedgeAfterMs` after the request, in Date.now() too.
  const setTimer: SetTimer = options.setTimer ?? timerAtLeast;
  type Running = {
    index: number;
    controller: AbortController;
    /** Resolves when the entry's request goes out. */
    calling: Promise<void>;
    done: Promise<{ index: number; step: LaneStep }>;
  };
  const running = new Map<number, Running>();
  let next = 0;
  let waitedFor: Refusal | undefined;

  const start = () => {
    if (next >= options.entries || waitedFor) return false;
    const index = next++;
    const controller = new AbortController();
    // One lane at a time is never aborted by another: the job's own signal is enough (and cheaper).
    const lane =
      policy.maxInFlight === 1
        ? (options.signal ?? controller.signal)
        : options.signal
          ? AbortSignal.any([options.signal, controller.signal])
          : controller.signal;
    let called: () => void = () => undefined;
    const calling = new Promise<void>((resolve) => {
      called = resolve;
    });
    const done = options.attempt(index, lane, () => called()).then((step) => ({ index, step }));
    running.set(index, { index, controller, calling, done });
    return true;
  };
  const abortOthers = async () => {
    for (const lane of running.values()) lane.controller.abort(new Error('another entry answered first'));
    await Promise.all([...running.values()].map((lane) => lane.done));
    running.clear();
  };

  if (policy.hedgeAfterMs === undefined) {
    for (let lane = 0; lane < policy.maxInFlight; lane++) start();
  } else {
    start();
  }
  while (running.size > 0) {
    let cancelHedge: () => void = () => undefined;
    let cancelled = false;
    // The hedge counts from the moment the running entry's request went out, not from its admission.
    const latest = [...running.values()].at(-1);
    const hedge =
      policy.hedgeAfterMs !== undefined &&
      running.size < policy.maxInFlight &&
      next < options.entries &&
      latest
        ? latest.calling.then(
            () =>
              new Promise<'hedge'>((resolve) => {
                if (!cancelled) cancelHedge = setTimer(() => resolve('hedge'), policy.hedgeAfterMs ?? 0);
              }),
          )
        : undefined;
    const first = await Promise.race([
      ...[...running.values()].map((lane) => lane.done),
      ...(hedge ? [hedge] : []),
    ]);
    cancelled = true;
    cancelHedge();
    if (first === 'hedge') {
      start();
      continue;
    }
    running.delete(first.index);
    const { step } = first;
    switch (step.kind) {
      case 'ok':
        await abortOthers();
        return { kind: 'ok', index: first.index, result: step.result };
      case 'aborted':
        await abortOthers();
        return { kind: 'aborted' };
      case 'wait':
        waitedFor ??= step.refusal;
        break;
      case 'next':
        // A lane is free: keep as many entries in flight as the strategy allows (a hedge waits for
        // its timer only while something is still running).
        if (policy.hedgeAfterMs === undefined || running.size === 0) start();
        break;
      default:
        throw new Error(`unknown lane step ${JSON.stringify(step satisfies never)}`);
    }
  }
  if (options.signal?.aborted) return { kind: 'aborted' };
  return waitedFor ? { kind: 'wait', refusal: waitedFor } : { kind: 'exhausted' };
}

const notCalling = () => undefined;

/**
 * `sequential`: one entry after another, with the same ends as the lanes but none of their
 * machinery (no race, no hedge timer, no controller per lane: nothing ever aborts a lane but the
 * job). It is what almost every job runs, so it stays cheap.
 */
async function runInTurn(options: LanesOptions): Promise<LanesEnd> {
  const lane = options.signal ?? new AbortController().signal;
  for (let index = 0; index < options.entries; index++) {
    const step = await options.attempt(index, lane, notCalling);
    switch (step.kind) {
      case 'ok':
        return { kind: 'ok', index, result: step.result };
      case 'aborted':
        return { kind: 'aborted' };
      case 'wait':
        // No further entry is started; an abort meanwhile still wins, as in the lanes.
        return options.signal?.aborted ? { kind: 'aborted' } : { kind: 'wait', refusal: step.refusal };
      case 'next':
        break;
      default:
        throw new Error(`unknown lane step ${JSON.stringify(step satisfies never)}`);
    }
  }
  return options.signal?.aborted ? { kind: 'aborted' } : { kind: 'exhausted' };
}
