import { describe, expect, it } from 'vitest';
import { chainShut } from '../../src/resilience/chain-shut.js';
import type { ProviderRecord } from '../../src/resilience/provider-state.js';
import { jobsByState } from '../../src/stats/read-snapshot.js';

const t0 = Date.parse('2026-11-29T12:00:00Z');
const open = (until: number | undefined, reason = 'breaker open: overloaded 503'): ProviderRecord => ({
  state: 'open',
  since: t0,
  ...(until === undefined ? { manual: { by: 'ops', reason: 'keys' } } : { until }),
  reason,
  worker: 'w',
});

describe('chainShut: a chain whose every provider is shut, from the fleet records', () => {
  it('names each provider once and the earliest probe', () => {
    const records = new Map([
      ['a', open(t0 + 30_000)],
      ['b', open(t0 + 10_000)],
    ]);
    expect(chainShut(['a', 'b', 'a'], records, t0)).toEqual({
      until: t0 + 10_000,
      reasons: [
        'a open until 2026-11-29T12:00:30.000Z (breaker open: overloaded 503)',
        'b open until 2026-11-29T12:00:10.000Z (breaker open: overloaded 503)',
      ],
    });
  });

  it('one provider closed, unknown or admitting its probe: not shut', () => {
    expect(chainShut(['a', 'b'], new Map([['a', open(t0 + 1)]]), t0)).toBeUndefined();
    expect(chainShut(['a'], new Map([['a', open(t0)]]), t0)).toBeUndefined();
    expect(chainShut([], new Map(), t0)).toBeUndefined();
  });

  it('a manual open with no end reads "until closed by hand"', () => {
    expect(chainShut(['a'], new Map([['a', open(undefined)]]), t0)?.reasons).toEqual([
      'a open until closed by hand (opened by ops: keys)',
    ]);
  });
});

describe('jobsByState', () => {
  const counts = { waiting: 30, prioritized: 10, delayed: 5, active: 0, completed: 2 };
  it('while every provider is shut, jobs waiting in the paused queue count as deferred', () => {
    expect(jobsByState(counts, true)).toEqual({ ...counts, waiting: 0, prioritized: 0, deferred: 40 });
  });
  it('otherwise the counts are as BullMQ has them', () => {
    expect(jobsByState(counts, false)).toEqual(counts);
  });
});
