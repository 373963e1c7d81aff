import type { Logger } from '../logging/logger.js';
import type { LanguageModelAdapter } from '../providers/completion.js';
import type { SetTimer } from '../time/timer-at-least.js';
import { DeltaCoalescer } from './delta-coalescer.js';
import type { DeltaSink } from './delta-sink.js';

export interface StreamRelayOptions {
  jobId: string;
  sink: DeltaSink;
  log: () => Logger;
  now?: () => number;
  intervalMs?: number;
  schedule?: SetTimer;
}

type AdapterOf = (provider: string, model: string) => LanguageModelAdapter;

/** One call of the job: its provider and model. */
export interface StreamCall {
  provider: string;
  model: string;
}

/**
 * Streams one job's calls and relays their text as `job.delta` events. The walk of the chain is
 * the ordinary one (breakers, admission, deferral, strategies): only each call is made with the
 * adapter's `stream` instead of `complete`. A call that fails after some of its text went out owes
 * a restart, said with the call that carries on: one still running (a race, a hedge), else the next
 * call when it starts, else, when the run ends, the call that won (or none).
 */
export class StreamRelay {
  readonly #options: StreamRelayOptions;
  readonly #now: () => number;
  readonly #running = new Set<StreamCall>();
  #owed: { reason: string; voided: StreamCall } | undefined;
  #sent: Promise<void> = Promise.resolve();

  constructor(options: StreamRelayOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The adapters the walk uses for this job: each completion streamed through the relay. */
  adapters(adapterOf: AdapterOf): AdapterOf {
    return (provider, model) => {
      const adapter = adapterOf(provider, model);
      const stream = adapter.stream?.bind(adapter);
      if (!stream) return adapter;
      return {
        ...adapter,
        provider: adapter.provider,
        modelId: adapter.modelId,
        complete: (request, call) =>
          this.#call({ provider, model }, (onText) => stream(request, call, onText)),
      };
    };
  }

  /** The run is over: a restart still owed is said with the call that won, if any; every event is sent. */
  async finish(winner?: StreamCall): Promise<void> {
    if (this.#owed) this.#restart(winner);
    await this.#sent;
  }

  async #call<T>(call: StreamCall, run: (onText: (text: string) => void) => Promise<T>): Promise<T> {
    if (this.#owed) this.#restart(call);
    const coalescer = new DeltaCoalescer({
      emit: (text, offset) =>
        this.#send({
          type: 'job',
          event: 'delta',
          jobId: this.#options.jobId,
          at: new Date(this.#now()).toISOString(),
          offset,
          text,
          provider: call.provider,
          model: call.model,
        }),
      ...(this.#options.intervalMs === undefined ? {} : { intervalMs: this.#options.intervalMs }),
      now: this.#now,
      ...(this.#options.schedule ? { schedule: this.#options.schedule } : {}),
    });
    this.#running.add(call);
    try {
      const result = await run((text) => coalescer.push(text));
      coalescer.flush();
      // The deltas go out before the job completes, so watchers see them first.
      await this.#sent;
      return result;
    } catch (error) {
      coalescer.discard();
      if (coalescer.emitted > 0) {
        this.#owed = { reason: error instanceof Error ? error.message : String(error), voided: call };
        const carryingOn = [...this.#running].find((other) => other !== call);
        if (carryingOn) this.#restart(carryingOn);
      }
      throw error;
    } finally {
      this.#running.delete(call);
    }
  }

  #restart(next: StreamCall | undefined): void {
    const owed = this.#owed;
    if (!owed) return;
    this.#owed = undefined;
    this.#send({
      type: 'job',
      event: 'restart',
      jobId: this.#options.jobId,
      at: new Date(this.#now()).toISOString(),
      reason: owed.reason,
      voided: owed.voided,
      ...(next ?? {}),
    });
  }

  #send(event: Parameters<DeltaSink['publish']>[0]): void {
    const publish = this.#options.sink.publish(event).catch((error: unknown) => {
      this.#options.log().debug({ err: error }, 'stream delta not published');
    });
    this.#sent = this.#sent.then(() => publish);
  }
}
