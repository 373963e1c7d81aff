import type { SimulatedProfile } from './profile.js';

export type ErrorKind =
  | 'down'
  | 'outage'
  | 'rate-limited'
  | 'unauthorized'
  | 'rejected'
  | 'error-rate'
  | 'quota-exhausted';

/** What the simulator does with one call: pure, given the profile, the time and a random source. */
export type Decision =
  | {
      kind: 'reply';
      latencyMs: number;
      /** A structured answer made wrong on purpose. */
      invalidOutput?: 'bad-json' | 'schema-violation';
      /** The answer stops at the content filter. */
      contentFiltered?: true;
    }
  | { kind: 'hang' }
  | {
      kind: 'error';
      error: ErrorKind;
      status: number;
      latencyMs: number;
      retryAfterSeconds?: number;
      httpDate?: boolean;
    };

export interface CallFacts {
  promptText: string;
  /** The key the call carried, if any. */
  apiKey: string | undefined;
  /** Whether the call asks for structured output (only those answers can be made invalid). */
  structured?: boolean;
}

export function decide(
  profile: SimulatedProfile,
  call: CallFacts,
  now: number,
  random: () => number,
): Decision {
  const { min, max } = profile.latencyMs;
  const latencyMs = max > min ? min + (max - min) * random() : min;
  const mode = profile.mode;
  if (mode.kind === 'unauthorized' || (profile.apiKey !== undefined && call.apiKey !== profile.apiKey)) {
    return { kind: 'error', error: 'unauthorized', status: 401, latencyMs };
  }
  switch (mode.kind) {
    case 'hang':
      return { kind: 'hang' };
    case 'down':
      return { kind: 'error', error: 'down', status: mode.status, latencyMs };
    case 'rate-limited':
      return {
        kind: 'error',
        error: 'rate-limited',
        status: 429,
        latencyMs,
        retryAfterSeconds: mode.retryAfterSeconds,
        ...(mode.httpDate ? { httpDate: true } : {}),
      };
    case 'quota-exhausted':
      // The status is the wire's own (Anthropic answers 400); see limit-wire.ts.
      return { kind: 'error', error: 'quota-exhausted', status: 429, latencyMs };
    case 'healthy':
      break;
    default:
      throw new Error(`unknown simulated mode ${JSON.stringify(mode satisfies never)}`);
  }
  const outage = profile.outages.find((window) => now >= window.from && now < window.until);
  if (outage) return { kind: 'error', error: 'outage', status: outage.status, latencyMs };
  if (profile.rejectPattern !== undefined && new RegExp(profile.rejectPattern).test(call.promptText)) {
    return { kind: 'error', error: 'rejected', status: 400, latencyMs };
  }
  if (profile.errorRate > 0 && random() < profile.errorRate) {
    return { kind: 'error', error: 'error-rate', status: profile.errorStatus, latencyMs };
  }
  if (
    profile.contentFilterPattern !== undefined &&
    new RegExp(profile.contentFilterPattern).test(call.promptText)
  ) {
    return { kind: 'reply', latencyMs, contentFiltered: true };
  }
  if (call.structured && profile.invalidOutputRate > 0 && random() < profile.invalidOutputRate) {
    return { kind: 'reply', latencyMs, invalidOutput: profile.invalidOutput };
  }
  return { kind: 'reply', latencyMs };
}
