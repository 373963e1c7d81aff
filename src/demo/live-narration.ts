import { readProgress } from '../queue/deferral.js';
import type { BreakerState } from '../resilience/availability.js';
import type { CircuitRegistry } from '../resilience/circuit-registry.js';
import type { BreakwaterWorker } from '../worker/create-worker.js';
import { JobTally } from './job-tally.js';
import { describeTransition, type Narrator } from './narrator.js';

export interface LiveNarration {
  tally: JobTally;
  /** How often each provider's breaker has opened so far. */
  openings(provider: string): number;
}

/**
 * Narrates what happens as it happens: every breaker transition, and the first time a job is
 * retried, deferred, and completed after a deferral — the moments a newcomer should notice.
 */
export function narrateLive(
  narrator: Narrator,
  circuits: CircuitRegistry,
  breakwater: BreakwaterWorker,
): LiveNarration {
  const states = new Map<string, BreakerState>();
  const openings = new Map<string, number>();
  circuits.onTransition((transition) => {
    // The fleet's broadcast of a trip this process made repeats a state the story already told.
    if (states.get(transition.provider) === transition.state) return;
    const others = circuits
      .all()
      .filter((circuit) => circuit.provider !== transition.provider)
      .map((circuit) => ({ provider: circuit.provider, availability: circuit.availability() }));
    narrator.say(describeTransition(transition, states.get(transition.provider), others));
    states.set(transition.provider, transition.state);
    if (transition.state === 'open') {
      openings.set(transition.provider, (openings.get(transition.provider) ?? 0) + 1);
    }
  });

  const explained = new Set<'retried' | 'deferred' | 'woke'>();
  const once = (moment: 'retried' | 'deferred' | 'woke', tell: () => void) => {
    if (explained.has(moment)) return;
    explained.add(moment);
    tell();
  };
  const tally = new JobTally(breakwater.worker, {
    retried: (job) =>
      once('retried', () => {
        narrator.say(
          `job ${job.id} failed while a breaker on its route was still closed — an ordinary retry ` +
            `with backoff (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1} spent)`,
        );
      }),
    deferred: (job) =>
      once('deferred', () => {
        narrator.say(
          `job ${job.id} is deferred: no provider on its route will take a call, so it moves to "delayed" ` +
            `until the first probe — attempts made: ${job.attemptsMade}`,
        );
        narrator.detail('the worker also pauses the queue until then: waiting jobs stay untouched in Redis');
      }),
    completed: (job, result) => {
      const deferrals = readProgress(job.progress).deferrals;
      if (deferrals === 0) return;
      once('woke', () => {
        narrator.say(
          `job ${job.id} woke up and completed on ${result.provider} after ${deferrals} deferral(s), ` +
            `${job.attemptsMade} attempt(s) made in all`,
        );
      });
    },
  });
  return { tally, openings: (provider) => openings.get(provider) ?? 0 };
}
