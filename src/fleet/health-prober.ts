import type { BreakwaterConfig, HealthProbeConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { LanguageModelAdapter } from '../providers/completion.js';
import type { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { FleetCircuit } from './fleet-circuit.js';

export interface HealthProberOptions {
  config: BreakwaterConfig;
  circuit: (provider: string) => FleetCircuit | undefined;
  adapter: (provider: string, model: string) => LanguageModelAdapter;
  redis: RedisClient;
  keys: BreakwaterKeys;
  logger: Logger;
}

/** How often a provider with a health probe is looked at: a fifth of its reset, within 100 ms–1 s. */
export function probeCheckMs(resetTimeoutMs: number): number {
  return Math.min(1_000, Math.max(100, Math.floor(resetTimeoutMs / 5)));
}

/**
 * Sends the synthetic health probes of the providers that have one (`providers.<name>.probe`): while
 * a breaker is half-open, the worker that wins the fleet's probe lease sends `successThreshold`
 * probes in a row; with `intervalMs`, an idle closed provider is probed by one worker of the fleet
 * per interval, through its breaker (a failed probe counts as a failed call).
 */
export class HealthProber {
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #busy = new Set<string>();
  readonly #options: HealthProberOptions;

  constructor(options: HealthProberOptions) {
    this.#options = options;
    for (const [provider, settings] of Object.entries(options.config.providers)) {
      const probe = settings.probe;
      if (!probe) continue;
      const tick = () =>
        void this.#check(provider, probe, settings.breaker.successThreshold, settings.timeoutMs);
      const timer = setInterval(tick, probeCheckMs(settings.breaker.resetTimeoutMs));
      timer.unref();
      this.#timers.push(timer);
    }
  }

  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
  }

  async #check(provider: string, probe: HealthProbeConfig, successThreshold: number, timeoutMs: number) {
    const circuit = this.#options.circuit(provider);
    if (!circuit || this.#busy.has(provider)) return;
    this.#busy.add(provider);
    const send = () =>
      this.#options
        .adapter(provider, probe.model)
        .complete({ prompt: probe.prompt, maxTokens: probe.maxTokens }, { timeoutMs });
    try {
      const outcome = await circuit.healthProbe(send, successThreshold);
      if (outcome === 'closed' || outcome === 'reopened') {
        this.#options.logger.info(
          { provider, outcome, successThreshold },
          `health probe of ${provider}: ${outcome}`,
        );
        return;
      }
      if (
        outcome === 'not-due' &&
        probe.intervalMs !== undefined &&
        circuit.availability().kind === 'closed'
      ) {
        // One worker of the fleet per interval probes an idle provider, so its state stays fresh.
        const mine = await this.#options.redis.set(
          this.#options.keys.idleProbe(provider),
          '1',
          'PX',
          probe.intervalMs,
          'NX',
        );
        if (mine === 'OK') await circuit.call(send);
      }
    } catch (error) {
      this.#options.logger.warn({ err: error, provider }, 'health probe not sent');
    } finally {
      this.#busy.delete(provider);
    }
  }
}
