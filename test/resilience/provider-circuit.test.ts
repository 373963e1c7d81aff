import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/provider-error.js';
import { ProviderCircuit } from '../../src/resilience/provider-circuit.js';

const breaker = {
  errorThresholdPercentage: 50,
  volumeThreshold: 2,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 200,
  quorum: 1,
};
const error = (verdict: 'retryable' | 'auth' | 'rejected', retryAfterMs?: number) =>
  new ProviderError({
    verdict,
    code: 'server-error',
    provider: 'p',
    model: 'm',
    message: verdict,
    status: 503,
    ...(retryAfterMs ? { retryAfterMs } : {}),
  });
const failWith = (value: unknown) => () => Promise.reject(value);

describe('a provider circuit', () => {
  it('rejected requests never open it; retryable ones do, at the volume threshold', async () => {
    const circuit = new ProviderCircuit({ provider: 'p', breaker: { ...breaker } });
    for (let i = 0; i < 5; i++) expect((await circuit.call(failWith(error('rejected')))).kind).toBe('error');
    expect(circuit.availability().kind).toBe('closed');
    const fresh = new ProviderCircuit({ provider: 'q', breaker: { ...breaker } });
    await fresh.call(failWith(error('retryable')));
    expect(fresh.availability().kind).toBe('closed');
    await fresh.call(failWith(error('auth')));
    expect(fresh.availability()).toMatchObject({ kind: 'open', reason: 'breaker open: server-error 503' });
    circuit.shutdown();
    fresh.shutdown();
  });

  it('half-opens after the reset, admits one probe, and holds the others until it settles', async () => {
    const circuit = new ProviderCircuit({ provider: 'p', breaker: { ...breaker } });
    await circuit.call(failWith(error('retryable')));
    await circuit.call(failWith(error('retryable')));
    const opened = circuit.availability();
    expect(opened.kind).toBe('open');
    await expect.poll(() => circuit.availability().kind, { timeout: 2_000, interval: 10 }).toBe('half-open');
    let answer: (value: string) => void = () => undefined;
    const probe = circuit.call(() => new Promise<string>((resolve) => (answer = resolve)));
    expect(circuit.availability().kind).toBe('probing');
    expect(await circuit.call(() => Promise.resolve('second'))).toEqual({ kind: 'refused' });
    const settled = circuit.probeSettled(5_000);
    answer('probe ok');
    expect(await probe).toEqual({ kind: 'ok', value: 'probe ok' });
    await settled;
    expect(circuit.availability().kind).toBe('closed');
    circuit.shutdown();
  });

  it('a Retry-After holds the provider even while the breaker is closed, on the injected clock', async () => {
    let now = 1_000_000;
    const transitions: string[] = [];
    const circuit = new ProviderCircuit({
      provider: 'p',
      breaker: { ...breaker, volumeThreshold: 100 },
      now: () => now,
      maxHoldMs: 60_000,
    });
    circuit.onTransition((transition) => transitions.push(`${transition.state}:${transition.until}`));
    await circuit.call(failWith(error('retryable', 5_000)));
    expect(circuit.availability()).toEqual({
      kind: 'open',
      until: 1_005_000,
      reason: 'p asked to retry after 5 s (503)',
    });
    now += 4_999;
    expect(circuit.availability().kind).toBe('open');
    now += 1;
    expect(circuit.availability().kind).toBe('closed');
    await circuit.call(failWith(error('retryable', 3_600_000)));
    expect(circuit.availability()).toMatchObject({ kind: 'open', until: now + 60_000 });
    expect(transitions).toEqual(['open:1005000', `open:${now + 60_000}`]);
    circuit.shutdown();
  });
});
