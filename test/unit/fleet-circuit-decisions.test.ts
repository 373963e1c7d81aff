import { describe, expect, it } from 'vitest';
import { fleetHold } from '../../src/fleet/fleet-hold.js';
import type { FleetRecord } from '../../src/fleet/fleet-record.js';
import { failureReport, tripRequest } from '../../src/fleet/fleet-report.js';
import { type FleetState, followingLocal } from '../../src/fleet/fleet-state.js';
import { failedProbeVerdict } from '../../src/fleet/probe-verdict.js';
import { CallAbortedError } from '../../src/providers/call-aborted-error.js';
import { ProviderError, type ProviderErrorDetails } from '../../src/providers/provider-error.js';
import { openUntilClosed } from '../../src/resilience/availability.js';

const t0 = Date.parse('2026-11-29T12:00:00Z');
const providerError = (details: Partial<ProviderErrorDetails>) =>
  new ProviderError({
    verdict: 'retryable',
    code: 'overloaded',
    provider: 'p',
    model: 'm',
    message: 'x',
    ...details,
  });
const breaker = {
  quorum: 2,
  windowMs: 10_000,
  resetTimeoutMs: 1_000,
  volumeThreshold: 3,
  errorThresholdPercentage: 50,
};

describe('failedProbeVerdict: what a probe that threw tells the fleet', () => {
  const probe = { label: 'probe', now: t0, resetTimeoutMs: 1_000 } as const;

  it('an abort tells nothing; a refused request says the provider is up', () => {
    expect(failedProbeVerdict(new CallAbortedError('cancelled'), probe)).toEqual({ state: 'aborted' });
    expect(failedProbeVerdict(providerError({ verdict: 'rejected', code: 'bad-request' }), probe)).toEqual({
      state: 'closed',
    });
  });

  it('a failure reopens it for the reset period, or as long as Retry-After asks', () => {
    expect(failedProbeVerdict(providerError({ status: 503 }), probe)).toEqual({
      state: 'open',
      until: t0 + 1_000,
      reason: 'probe failed: overloaded 503',
    });
    const health = { ...probe, label: 'health probe' } as const;
    expect(failedProbeVerdict(providerError({ status: 503, retryAfterMs: 5_000 }), health)).toMatchObject({
      until: t0 + 5_000,
      reason: 'health probe failed: overloaded 503',
    });
  });
});

describe('fleetHold: what a fleet record puts on the local breaker', () => {
  const open: FleetRecord = {
    state: 'open',
    since: t0,
    until: t0 + 1_000,
    reason: 'breaker open: 503',
    worker: 'w',
  };
  const opened: FleetState = { kind: 'open', record: open };

  it('nothing when the state did not change; a reset when the fleet closed', () => {
    expect(fleetHold(opened, opened, open, t0)).toEqual({ kind: 'none' });
    expect(fleetHold(opened, followingLocal, { state: 'closed', since: t0, worker: 'w' }, t0)).toEqual({
      kind: 'reset',
    });
  });

  it('a hold until the record ends, or until closed by hand', () => {
    expect(fleetHold(followingLocal, opened, open, t0)).toEqual({
      kind: 'hold',
      until: t0 + 1_000,
      reason: 'breaker open: 503',
    });
    const manual: FleetRecord = {
      state: 'open',
      since: t0,
      reason: 'opened by ops: maintenance',
      worker: 'ops',
    };
    expect(fleetHold(followingLocal, { kind: 'open', record: manual }, manual, t0)).toMatchObject({
      until: openUntilClosed,
    });
  });
});

describe('what this process reports to the fleet', () => {
  it('a failure is eligible to trip it above the error threshold, not at it', () => {
    const report = failureReport(providerError({ status: 503 }), { fires: 4, failures: 2 }, t0, breaker);
    expect(report).toEqual({
      until: t0 + 1_000,
      reason: 'breaker open: overloaded 503',
      quorum: 2,
      windowMs: 10_000,
      volume: 3,
      eligible: false,
    });
    expect(failureReport(new Error('x'), { fires: 4, failures: 3 }, t0, breaker).eligible).toBe(true);
  });

  it("only a local trip with an end opens the fleet, in the local breaker's words", () => {
    const local = () =>
      ({ kind: 'open', until: t0 + 1_000, reason: 'breaker open: overloaded 503' }) as const;
    const trip = { provider: 'p', state: 'open', source: 'local', until: t0 + 1_000 } as const;
    expect(tripRequest(trip, local, breaker)).toEqual({
      until: t0 + 1_000,
      reason: 'breaker open: overloaded 503',
      quorum: 2,
      windowMs: 10_000,
    });
    expect(tripRequest({ ...trip, source: 'fleet' }, local, breaker)).toBeUndefined();
    expect(tripRequest({ ...trip, state: 'closed' }, local, breaker)).toBeUndefined();
  });
});
