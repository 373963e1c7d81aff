import type { Queue } from 'bullmq';
import type { CircuitRegistry } from '../resilience/circuit-registry.js';
import { formatSeconds } from './narrator.js';

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** The story waited longer than a phase may take, or a job failed for good. */
export class StoryStalledError extends Error {
  override name = 'StoryStalledError';
}

/**
 * Polls the queue's counts for the story's wait conditions and prints a one-line counter
 * periodically, only when something changed.
 */
export class QueueWatch {
  latest: QueueCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
  #timer: NodeJS.Timeout | undefined;
  #lastLine = '';

  constructor(
    private readonly queue: Queue,
    private readonly circuits: CircuitRegistry,
    private readonly served: (provider: string) => number,
  ) {}

  async refresh(): Promise<QueueCounts> {
    const counts = await this.queue.getJobCounts(
      'wait',
      'prioritized',
      'active',
      'delayed',
      'completed',
      'failed',
    );
    this.latest = {
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
    return this.latest;
  }

  /** `3 waiting · 5 running · 0 delayed · 16 done · 0 failed │ primary: closed, 16 served · secondary: …` */
  line(): string {
    const { waiting, active, delayed, completed, failed } = this.latest;
    const breakers = this.circuits.all().map((circuit) => {
      const kind = circuit.availability().kind.replace('probing', 'half-open');
      return `${circuit.provider}: ${kind}, ${this.served(circuit.provider)} served`;
    });
    return `${waiting} waiting · ${active} running · ${delayed} delayed · ${completed} done · ${failed} failed │ ${breakers.join(' · ')}`;
  }

  /** Prints the counter line every `periodMs` when it changed. */
  startCounters(periodMs: number, print: (line: string) => void): void {
    this.#timer = setInterval(() => {
      this.refresh().then(
        () => {
          const line = this.line();
          if (line === this.#lastLine) return;
          this.#lastLine = line;
          print(line);
        },
        () => undefined,
      );
    }, periodMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Resolves when `condition` holds; throws StoryStalledError on timeout or when a job failed for good. */
  async until(
    what: string,
    condition: (counts: QueueCounts) => boolean,
    timeoutMs: number,
    intervalMs = 20,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.refresh();
      if (counts.failed > 0)
        throw new StoryStalledError(`${counts.failed} job(s) failed while waiting for ${what}`);
      if (condition(counts)) return;
      if (Date.now() > deadline) {
        throw new StoryStalledError(`gave up after ${formatSeconds(timeoutMs)} waiting for ${what}`);
      }
      await sleep(intervalMs);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
