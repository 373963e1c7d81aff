import { describe, expect, it } from 'vitest';
import type { FleetRecord } from '../../src/fleet/fleet-record.js';
import {
  awaitingHealthProbe,
  type FleetState,
  fleetAvailability,
  followingLocal,
  nextFleetState,
} from '../../src/fleet/fleet-state.js';
import type { Availability } from '../../src/resilience/availability.js';

const t0 = Date.parse('2026-11-29T12:00:00Z');
const openRecord: FleetRecord = {
  state: 'open',
  since: t0,
  until: t0 + 1_000,
  reason: 'breaker open: 503',
  worker: 'w',
};
const closedRecord: FleetRecord = { state: 'closed', since: t0 + 2_000, worker: 'probe' };
const local: Availability = { kind: 'closed' };
const availability = (state: FleetState, now: number) => fleetAvailability(state, now, 'p', () => local);

describe('nextFleetState: what one process knows of the fleet', () => {
  it('an open record opens; a closed one hands the decision back to the local breaker', () => {
    const open = nextFleetState(followingLocal, { type: 'record', record: openRecord });
    expect(open).toEqual({ kind: 'open', record: openRecord });
    expect(nextFleetState(open, { type: 'record', record: closedRecord })).toBe(followingLocal);
  });

  it('a closed record changes nothing for a process the fleet never opened', () => {
    expect(nextFleetState(followingLocal, { type: 'record', record: closedRecord })).toBe(followingLocal);
  });

  it('the same record broadcast again changes nothing, even mid-probe', () => {
    const probing: FleetState = { kind: 'probing', record: openRecord, step: 'sending' };
    expect(nextFleetState(probing, { type: 'record', record: { ...openRecord, worker: 'other' } })).toBe(
      probing,
    );
  });

  it('a new open record during a probe keeps the probe in flight, with the new record', () => {
    const probing: FleetState = { kind: 'probing', record: openRecord, step: 'sending' };
    const reopened = { ...openRecord, until: t0 + 9_000, reason: 'opened by ops: x' };
    expect(nextFleetState(probing, { type: 'record', record: reopened })).toEqual({
      ...probing,
      record: reopened,
    });
  });

  it('probe: won, sent, ended; lost to another worker; each only from where it makes sense', () => {
    const open: FleetState = { kind: 'open', record: openRecord };
    const won = nextFleetState(open, { type: 'probe-won' });
    expect(won).toEqual({ kind: 'probing', record: openRecord, step: 'won' });
    const sent = nextFleetState(won, { type: 'probe-sent' });
    expect(sent).toEqual({ kind: 'probing', record: openRecord, step: 'sending' });
    expect(nextFleetState(sent, { type: 'probe-ended' })).toEqual(open);
    expect(nextFleetState(won, { type: 'probe-lost', leaseUntil: t0 + 5_000 })).toEqual({
      kind: 'others-probing',
      record: openRecord,
      leaseUntil: t0 + 5_000,
    });
    // Once that lease has ended with no news (its prober was cut off), this process may take it.
    expect(
      nextFleetState(
        { kind: 'others-probing', record: openRecord, leaseUntil: t0 + 5_000 },
        { type: 'probe-won' },
      ),
    ).toEqual(won);
    expect(nextFleetState(followingLocal, { type: 'probe-won' })).toBe(followingLocal);
    expect(nextFleetState(followingLocal, { type: 'probe-lost', leaseUntil: 1 })).toBe(followingLocal);
    expect(nextFleetState(open, { type: 'probe-ended' })).toBe(open);
  });
});

describe('fleetAvailability', () => {
  it('following the local breaker: whatever it says', () => {
    expect(availability(followingLocal, t0)).toBe(local);
  });

  it('open until the record says, then half-open: the next call may take the probe lease', () => {
    const open: FleetState = { kind: 'open', record: openRecord };
    expect(availability(open, t0 + 999)).toEqual({
      kind: 'open',
      until: t0 + 1_000,
      reason: 'breaker open: 503',
    });
    expect(availability(open, t0 + 1_000)).toEqual({ kind: 'half-open' });
  });

  it('while this process probes, its other calls wait (probing)', () => {
    expect(availability({ kind: 'probing', record: openRecord, step: 'won' }, t0 + 1_500).kind).toBe(
      'probing',
    );
    expect(availability({ kind: 'probing', record: openRecord, step: 'sending' }, t0 + 1_500).kind).toBe(
      'probing',
    );
  });

  it("another worker's lease reads open until it ends, so jobs defer instead of spending attempts", () => {
    const others: FleetState = { kind: 'others-probing', record: openRecord, leaseUntil: t0 + 3_000 };
    expect(availability(others, t0 + 2_000)).toEqual({
      kind: 'open',
      until: t0 + 3_000,
      reason: 'another worker is probing p',
    });
    expect(availability(others, t0 + 3_000)).toEqual({ kind: 'half-open' });
  });

  it('a manual open with no end stays open, naming who', () => {
    const manual: FleetRecord = {
      state: 'open',
      since: t0,
      worker: 'api',
      manual: { by: 'ops', reason: 'swap keys' },
    };
    expect(availability({ kind: 'open', record: manual }, t0 + 1e12)).toMatchObject({
      kind: 'open',
      reason: 'opened by ops: swap keys',
    });
  });
});

describe('awaitingHealthProbe: no job is ever the probe of a provider with a health probe', () => {
  const record: FleetRecord = {
    state: 'open',
    since: 0,
    until: 1_000,
    reason: 'breaker open: overloaded 503',
    worker: 'w',
  };

  it('half-open and probing read open to jobs, briefly, with the reason', () => {
    for (const availability of [{ kind: 'half-open' }, { kind: 'probing' }] as const) {
      expect(awaitingHealthProbe(availability, record, 'openai', 5_000, 1_000)).toEqual({
        kind: 'open',
        until: 6_000,
        reason: 'openai waits for its health probe (breaker open: overloaded 503)',
      });
    }
  });

  it('closed and open pass through unchanged', () => {
    const open: Availability = { kind: 'open', until: 9, reason: 'x' };
    expect(awaitingHealthProbe({ kind: 'closed' }, record, 'openai', 5_000)).toEqual({ kind: 'closed' });
    expect(awaitingHealthProbe(open, record, 'openai', 5_000)).toBe(open);
  });
});
