import type { Queue } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import { enqueueJobs } from '../queue/producer.js';
import type { CircuitRegistry } from '../resilience/circuit-registry.js';
import type { ProviderSimulator } from '../simulator/simulator.js';
import type { BreakwaterWorker } from '../worker/create-worker.js';
import type { JobResult } from '../worker/job-result.js';
import type { JobTally } from './job-tally.js';
import { type LiveNarration, narrateLive } from './live-narration.js';
import { formatSeconds, type Narrator } from './narrator.js';
import { QueueWatch, StoryStalledError, sleep } from './queue-watch.js';
import type { DemoSettings } from './settings.js';

export interface StoryCast {
  narrator: Narrator;
  settings: DemoSettings;
  simulator: ProviderSimulator;
  queue: Queue<JobData, JobResult>;
  config: BreakwaterConfig;
  circuits: CircuitRegistry;
  breakwater: BreakwaterWorker;
}

const waveSize = 8;

/** The five phases of `npm run demo`, each ended by observable state rather than a fixed sleep. */
export class DemoStory {
  enqueued = 0;
  readonly watch: QueueWatch;
  readonly #live: LiveNarration;

  constructor(private readonly cast: StoryCast) {
    this.#live = narrateLive(cast.narrator, cast.circuits, cast.breakwater);
    this.watch = new QueueWatch(cast.queue, cast.circuits, (provider) => this.tally.served(provider));
  }

  get tally(): JobTally {
    return this.#live.tally;
  }

  async tell(): Promise<void> {
    await this.healthy();
    await this.primaryDown();
    await this.totalOutage();
    await this.secondaryBack();
    await this.primaryBack();
  }

  async healthy(): Promise<void> {
    const { narrator, settings } = this.cast;
    this.#heading(
      1,
      `healthy — 40 jobs arrive in waves of ${waveSize}; the worker runs ${settings.concurrency} at a time`,
    );
    await this.#feed(40);
    await this.#allDone('the first 40 jobs to complete');
    narrator.say(
      `all 40 done: ${this.tally.served('primary')} served by primary, ${this.tally.fallback} needed a fallback`,
    );
    await sleep(settings.beatMs);
  }

  async primaryDown(): Promise<void> {
    const { narrator, settings, simulator } = this.cast;
    this.#heading(2, 'primary goes down — every call to it now gets 503; 40 more jobs arrive');
    const before = this.tally.mark();
    simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    await this.#feed(40);
    await this.#until('the primary breaker to open', () => this.#live.openings('primary') > 0);
    await this.#allDone('the 40 jobs of phase 2 to complete');
    const secondary = this.tally.served('secondary') - (before.served.get('secondary') ?? 0);
    const fallback = this.tally.fallback - before.fallback;
    narrator.say(
      `all ${this.enqueued} done: secondary served ${secondary} of the last 40 ` +
        `(${fallback} results with fallbackUsed: true), none failed`,
    );
    await sleep(settings.beatMs);
  }

  async totalOutage(): Promise<void> {
    const { narrator, settings, simulator, queue } = this.cast;
    this.#heading(3, 'total outage — secondary goes down too (529 overloaded); 24 more jobs arrive');
    simulator.configure('secondary', { mode: { kind: 'down', status: 529 } });
    const feeding = this.#feed(24);
    feeding.catch(() => undefined); // awaited below; this only keeps an early stall from leaving it unhandled
    await this.#until(
      'both breakers to open and a job to be deferred',
      () => this.#bothOpen() && this.tally.deferrals > 0,
    );
    narrator.say(`the outage lasts ${formatSeconds(settings.outageHoldMs)}; every probe fails meanwhile`);
    await Promise.all([feeding, sleep(settings.outageHoldMs)]);
    // Count while the queue is paused between two probes, not while deferred jobs are waking up.
    await this.#until(
      'a quiet moment of the outage',
      () => this.#bothOpen() && this.watch.latest.active === 0,
    );
    const deferred = (await queue.getDelayed()).filter((job) => readProgress(job.progress).deferrals >= 1);
    const noAttempt = deferred.filter((job) => job.attemptsMade === 0).length;
    const { waiting, failed } = await this.watch.refresh();
    narrator.say(
      `${deferred.length} jobs are deferred: state delayed, deferrals ≥ 1, ${noAttempt} of them with 0 attempts made`,
    );
    narrator.detail(
      `${waiting} more wait untouched while the queue is paused; ${this.tally.retries} retries so far; ${failed} failed`,
    );
    if (deferred.length === 0) throw new StoryStalledError('no job was deferred during the total outage');
  }

  async secondaryBack(): Promise<void> {
    const { narrator, simulator } = this.cast;
    this.#heading(4, 'secondary recovers (primary is still down) — deferred jobs wake at its next probe');
    const before = this.tally.mark();
    simulator.configure('secondary', { mode: { kind: 'healthy' } });
    await this.#until('the secondary breaker to close', () => this.#kind('secondary') === 'closed');
    await this.#allDone(`all ${this.enqueued} jobs so far to complete`);
    const served = this.tally.served('secondary') - (before.served.get('secondary') ?? 0);
    narrator.say(
      `all ${this.enqueued} done: the backlog and every deferred job completed on secondary (${served} jobs)`,
    );
  }

  async primaryBack(): Promise<void> {
    const { narrator, settings, simulator } = this.cast;
    this.#heading(5, 'primary recovers — new jobs keep arriving until its probe closes its breaker');
    simulator.configure('primary', { mode: { kind: 'healthy' } });
    const started = Date.now();
    while (this.#kind('primary') !== 'closed') {
      if (Date.now() - started > settings.phaseTimeoutMs) {
        throw new StoryStalledError('the primary breaker never closed after primary recovered');
      }
      await this.#enqueue(4);
      await sleep(settings.waveIntervalMs);
    }
    const before = this.tally.served('primary');
    await this.#feed(16);
    await this.#allDone(`all ${this.enqueued} jobs to complete`);
    narrator.say(
      `all ${this.enqueued} done; the last ${this.tally.served('primary') - before} went to primary again — ` +
        `breakers: primary ${this.#kind('primary')}, secondary ${this.#kind('secondary')}`,
    );
  }

  #heading(number: number, title: string): void {
    this.cast.narrator.plain();
    this.cast.narrator.say(`▶ ${number}/5 ${title}`);
  }

  #kind(provider: string): string {
    return this.cast.circuits.get(provider).availability().kind;
  }

  #bothOpen(): boolean {
    return this.#kind('primary') === 'open' && this.#kind('secondary') === 'open';
  }

  async #enqueue(count: number): Promise<void> {
    const inputs = Array.from({ length: count }, (_, index) => ({
      prompt: `Summarise support ticket #${this.enqueued + index + 1}`,
    }));
    this.enqueued += count;
    await enqueueJobs(this.cast.queue, this.cast.config, inputs);
  }

  /** Enqueues `count` jobs in waves, one wave per wave interval. */
  async #feed(count: number): Promise<void> {
    for (let sent = 0; sent < count; sent += waveSize) {
      if (sent > 0) await sleep(this.cast.settings.waveIntervalMs);
      await this.#enqueue(Math.min(waveSize, count - sent));
    }
  }

  #allDone(what: string): Promise<void> {
    return this.watch.until(
      what,
      (counts) => counts.completed >= this.enqueued,
      this.cast.settings.phaseTimeoutMs,
    );
  }

  #until(what: string, condition: () => boolean): Promise<void> {
    return this.watch.until(what, condition, this.cast.settings.phaseTimeoutMs);
  }
}
