/** Timings of the `npm run demo` story at a given speed (1 = watchable, larger = faster). */
export interface DemoSettings {
  speed: number;
  /** Jobs the worker runs at once. */
  concurrency: number;
  /** Calls in the window before a breaker may open. */
  volumeThreshold: number;
  rollingWindowMs: number;
  /** How long an open breaker waits before it admits a probe. */
  resetTimeoutMs: number;
  /** Simulated provider latency when healthy. */
  latencyMs: { min: number; max: number };
  /** Pause between two waves of new jobs. */
  waveIntervalMs: number;
  /** Pause between phases; at least the rolling window, so each phase starts with clean breaker stats. */
  beatMs: number;
  /** How long the total outage lasts once both breakers are open. */
  outageHoldMs: number;
  deferralJitterMs: number;
  backoffMs: number;
  /** How often the one-line counters are printed (when they changed). */
  counterPeriodMs: number;
  /** Longest any single phase may take before the story counts as stalled. */
  phaseTimeoutMs: number;
}

/** Reads DEMO_SPEED: a positive number, default 1. Throws on anything else. */
export function readSpeed(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new Error(`DEMO_SPEED must be a positive number such as 1 or 10, not ${JSON.stringify(value)}`);
  }
  return speed;
}

export function demoSettings(speed: number): DemoSettings {
  const scaled = (ms: number) => Math.max(1, Math.round(ms / speed));
  const rollingWindowMs = scaled(1_500);
  return {
    speed,
    concurrency: 5,
    volumeThreshold: 3,
    rollingWindowMs,
    resetTimeoutMs: scaled(3_000),
    latencyMs: { min: scaled(150), max: scaled(450) },
    waveIntervalMs: scaled(700),
    beatMs: Math.max(scaled(1_500), rollingWindowMs + 20),
    outageHoldMs: scaled(6_000),
    deferralJitterMs: scaled(800),
    backoffMs: scaled(500),
    counterPeriodMs: Math.max(250, scaled(1_500)),
    phaseTimeoutMs: scaled(30_000) + 10_000,
  };
}

export const demoRoute = [
  { provider: 'primary', model: 'gpt-4.1-mini' },
  { provider: 'secondary', model: 'claude-haiku-4-5' },
] as const;

/**
 * The demo's config document: two simulated providers (OpenAI and Anthropic wire formats) served by
 * the demo's own simulator at `simulatorRoot`, one route primary → secondary, fast breakers.
 * Deliberately no third provider: with every configured provider open the worker pauses the queue,
 * which is part of the story.
 */
export function demoConfigDocument(
  simulatorRoot: string,
  queueName: string,
  settings: DemoSettings,
): Record<string, unknown> {
  const simulated = (wire: 'openai' | 'anthropic') => ({
    type: 'simulated',
    wire,
    baseURL: simulatorRoot,
    timeoutMs: 5_000,
    breaker: {
      volumeThreshold: settings.volumeThreshold,
      errorThresholdPercentage: 50,
      rollingWindowMs: settings.rollingWindowMs,
      resetTimeoutMs: settings.resetTimeoutMs,
    },
  });
  return {
    providers: { primary: simulated('openai'), secondary: simulated('anthropic') },
    routes: { default: demoRoute.map((entry) => ({ ...entry })) },
    queue: {
      name: queueName,
      concurrency: settings.concurrency,
      attempts: 5,
      backoffMs: settings.backoffMs,
    },
    board: { enabled: false },
  };
}
