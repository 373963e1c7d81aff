import { describe, expect, it } from 'vitest';
import { checkFleetRecord } from '../../src/fleet/fleet-record.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';
import { replyOneOf } from '../../src/redis/lua-script.js';

describe('replies from Redis are checked, not cast', () => {
  it('a script reply must be one of the expected words', () => {
    expect(replyOneOf('opened', ['opened', 'pending'], 'open')).toBe('opened');
    expect(() => replyOneOf(1, ['opened', 'pending'], 'open')).toThrow(
      'unexpected reply from the open script: 1',
    );
    expect(() => replyOneOf('OPENED', ['opened'], 'open')).toThrow(/unexpected reply/);
  });

  it('a fleet record must have a record’s shape', () => {
    const record = {
      state: 'open',
      since: 1,
      until: 2,
      reason: 'r',
      worker: 'w',
      manual: { by: 'a', reason: 'b' },
    };
    expect(checkFleetRecord(record)).toEqual(record);
    expect(checkFleetRecord({ ...record, state: 'ajar' })).toBeUndefined();
    expect(checkFleetRecord({ ...record, until: '2' })).toBeUndefined();
    expect(checkFleetRecord({ ...record, manual: { by: 1 } })).toBeUndefined();
    expect(checkFleetRecord(null)).toBeUndefined();
  });
});

describe('one key namespace', () => {
  it('every Breakwater key of a queue lives under the queue’s own key', () => {
    const keys = new BreakwaterKeys('bull:q');
    const all = [
      keys.delayed,
      keys.fleet,
      keys.fleetChannel,
      keys.trips('p'),
      keys.probe('p'),
      keys.failures('p'),
      keys.deferred('p'),
      keys.wake('p', 'ramp-1'),
      keys.stats,
      keys.rateLimit,
    ];
    for (const key of all) expect(key.startsWith('bull:q:')).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });
});
