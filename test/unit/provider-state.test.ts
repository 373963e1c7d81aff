import { describe, expect, it } from 'vitest';
import { defaultConfigDocument } from '../../src/config/default-config.js';
import { validateConfig } from '../../src/config/load-config.js';
import { openUntilClosed } from '../../src/resilience/availability.js';
import {
  breakerStateName,
  type ProviderRecord,
  probeTime,
  statusOf,
} from '../../src/resilience/provider-state.js';
import { providerView } from '../../src/resilience/provider-view.js';

const t0 = Date.parse('2026-11-29T12:00:00Z');
const open = (extra: Partial<ProviderRecord> = {}): ProviderRecord => ({
  state: 'open',
  since: t0,
  until: t0 + 30_000,
  reason: 'breaker open: overloaded 503',
  worker: 'w1',
  ...extra,
});
const manual = { by: 'ops', reason: 'maintenance' };
/** Opened by hand with no end: no `until` at all. */
const manualOpen = (): ProviderRecord => {
  const { until: _until, ...record } = open({ manual });
  return record;
};

describe('statusOf: what a fleet record means at a moment', () => {
  const cases: {
    name: string;
    record: ProviderRecord | undefined;
    now: number;
    expected: object;
    state: string;
  }[] = [
    { name: 'no record: closed', record: undefined, now: t0, expected: { kind: 'closed' }, state: 'closed' },
    {
      name: 'closed by hand keeps who and why',
      record: { state: 'closed', since: t0, worker: 'api', manual },
      now: t0,
      expected: { kind: 'closed', since: t0, manual },
      state: 'closed',
    },
    {
      name: 'open before its until',
      record: open(),
      now: t0 + 29_999,
      expected: { kind: 'open', until: t0 + 30_000, reason: 'breaker open: overloaded 503' },
      state: 'open',
    },
    {
      name: 'open at its until reads half-open, keeping its reason and probe time',
      record: open(),
      now: t0 + 30_000,
      expected: {
        kind: 'half-open',
        probeAt: t0 + 30_000,
        since: t0,
        reason: 'breaker open: overloaded 503',
      },
      state: 'half-open',
    },
    {
      name: 'opened by hand with no end: manual, never half-open',
      record: manualOpen(),
      now: t0 + 10 * 365 * 86_400_000,
      expected: { kind: 'manual', reason: 'opened by ops: maintenance', manual },
      state: 'open',
    },
    {
      name: 'opened by hand for a while: half-open when it ends',
      record: open({ manual }),
      now: t0 + 31_000,
      expected: { kind: 'half-open', reason: 'opened by ops: maintenance', manual },
      state: 'half-open',
    },
  ];
  for (const { name, record, now, expected, state } of cases) {
    it(name, () => {
      const status = statusOf(record, now);
      expect(status).toMatchObject(expected);
      expect(breakerStateName(status)).toBe(state);
    });
  }

  it('probe time: the until, the end of time for a manual open without one, none when closed', () => {
    expect(probeTime(statusOf(open(), t0))).toBe(t0 + 30_000);
    expect(probeTime(statusOf(manualOpen(), t0))).toBe(openUntilClosed);
    expect(probeTime(statusOf(undefined, t0))).toBeUndefined();
  });
});

describe('providerView: the same state on the wire', () => {
  const { config } = validateConfig(defaultConfigDocument, 'test', {});
  it('a half-open provider still says why it was open and when its probe was admitted', () => {
    expect(providerView('sim-openai', config, open(), t0 + 60_000)).toEqual({
      name: 'sim-openai',
      type: 'simulated',
      state: 'half-open',
      reason: 'breaker open: overloaded 503',
      nextProbeAt: new Date(t0 + 30_000).toISOString(),
      updatedAt: new Date(t0).toISOString(),
    });
  });
  it('a manual open with no end has no probe time; closed has no reason', () => {
    const view = providerView('sim-openai', config, manualOpen(), t0);
    expect(view).toMatchObject({ state: 'open', reason: 'opened by ops: maintenance', manual });
    expect(view).not.toHaveProperty('nextProbeAt');
    expect(providerView('sim-openai', config, undefined, t0)).toEqual({
      name: 'sim-openai',
      type: 'simulated',
      state: 'closed',
    });
  });
});
