import { LuaScript } from '../redis/lua-script.js';

/**
 * The fleet's transitions as Lua, so each is one atomic step in Redis: a check, the new record, and
 * the broadcast. Each takes its keys and one JSON argument with named fields (decoded with cjson);
 * the record is JSON too. The TypeScript side of each input is the interface above it.
 */

/** KEYS: fleet hash, trips set, probe lease, failure counter. */
export interface OpenInput {
  provider: string;
  worker: string;
  now: number;
  /** Absent: open until closed by hand. */
  until?: number;
  reason: string;
  quorum: number;
  windowMs: number;
  manual?: { by: string; reason: string };
  /** Skip the quorum and keep-later checks (a failed probe, a manual open). */
  force: boolean;
  channel: string;
  /** Only while this worker holds the probe lease. */
  probe: boolean;
}

/** Replies 'pending' (quorum not reached), 'already' (open at least as long), 'lost' or 'opened'. */
export const openScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if input.probe and redis.call('GET', KEYS[3]) ~= input.worker then return 'lost' end
if not input.force then
  redis.call('SADD', KEYS[2], input.worker)
  redis.call('PEXPIRE', KEYS[2], input.windowMs)
  if redis.call('SCARD', KEYS[2]) < input.quorum then return 'pending' end
  local current = redis.call('HGET', KEYS[1], input.provider)
  if current then
    local record = cjson.decode(current)
    if record.state == 'open' and (record['until'] == nil or (input['until'] ~= nil and record['until'] >= input['until'])) then
      return 'already'
    end
  end
end
local record = { state = 'open', since = input.now, reason = input.reason, worker = input.worker }
record['until'] = input['until']
record.manual = input.manual
redis.call('HSET', KEYS[1], input.provider, cjson.encode(record))
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('PUBLISH', input.channel, cjson.encode({ provider = input.provider, record = record }))
return 'opened'
`);

/** KEYS: fleet hash, trips set, probe lease, failure counter. One failed call, counted fleet-wide. */
export interface FailureInput {
  provider: string;
  worker: string;
  now: number;
  /** When the fleet would admit a probe if this failure opens it. */
  until: number;
  reason: string;
  quorum: number;
  windowMs: number;
  /** Failures in the window, fleet-wide, before the provider opens. */
  volume: number;
  /** This worker's own failure rate is over the breaker's threshold. */
  eligible: boolean;
  channel: string;
}

/** Replies 'counted', 'already' or 'opened'. */
export const failureScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
local count = redis.call('INCR', KEYS[4])
if count == 1 then redis.call('PEXPIRE', KEYS[4], input.windowMs) end
if input.eligible then
  redis.call('SADD', KEYS[2], input.worker)
  redis.call('PEXPIRE', KEYS[2], input.windowMs)
end
if not input.eligible or count < input.volume or redis.call('SCARD', KEYS[2]) < input.quorum then return 'counted' end
local current = redis.call('HGET', KEYS[1], input.provider)
if current and cjson.decode(current).state == 'open' then return 'already' end
local record = { state = 'open', since = input.now, reason = input.reason, worker = input.worker }
record['until'] = input['until']
redis.call('HSET', KEYS[1], input.provider, cjson.encode(record))
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('PUBLISH', input.channel, cjson.encode({ provider = input.provider, record = record }))
return 'opened'
`);

/** KEYS: fleet hash, trips set, probe lease, failure counter. */
export interface CloseInput {
  provider: string;
  worker: string;
  now: number;
  manual?: { by: string; reason: string };
  /** Only while this worker holds the probe lease. */
  probe: boolean;
  channel: string;
}

/** Replies 'closed', or 'lost' when the probe lease was lost (someone changed the state meanwhile). */
export const closeScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if input.probe and redis.call('GET', KEYS[3]) ~= input.worker then return 'lost' end
local record = { state = 'closed', since = input.now, worker = input.worker }
record.manual = input.manual
redis.call('HSET', KEYS[1], input.provider, cjson.encode(record))
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('PUBLISH', input.channel, cjson.encode({ provider = input.provider, record = record }))
return 'closed'
`);

/** KEYS: fleet hash, probe lease. */
export interface AcquireProbeInput {
  provider: string;
  worker: string;
  now: number;
  leaseMs: number;
}

/**
 * Replies JSON `{ won, record?, leaseMs }`: this worker may send the probe when the provider is open,
 * its open period is over and nobody holds the lease; otherwise the record now and how long another
 * worker's lease still runs.
 */
export const acquireProbeScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
local current = redis.call('HGET', KEYS[1], input.provider)
if not current then return cjson.encode({ won = false, leaseMs = 0 }) end
local record = cjson.decode(current)
if record.state ~= 'open' or record['until'] == nil or record['until'] > input.now then
  return cjson.encode({ won = false, record = record, leaseMs = 0 })
end
if redis.call('SET', KEYS[2], input.worker, 'NX', 'PX', input.leaseMs) then
  return cjson.encode({ won = true, record = record, leaseMs = input.leaseMs })
end
return cjson.encode({ won = false, record = record, leaseMs = redis.call('PTTL', KEYS[2]) })
`);

/** KEYS: probe lease. Releases the lease if this worker holds it. Replies 1 or 0. */
export const releaseProbeScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if redis.call('GET', KEYS[1]) == input.worker then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** KEYS: lease, deferred set. */
export interface TakeDeferredInput {
  worker: string;
  leaseMs: number;
  count: number;
}

/**
 * Takes the lease (one waker per moment) and pops up to `count` deferred job ids; replies false when
 * another worker holds the lease.
 */
export const takeDeferredScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if redis.call('SET', KEYS[1], input.worker, 'NX', 'PX', input.leaseMs) or redis.call('GET', KEYS[1]) == input.worker then
  local popped = redis.call('ZPOPMIN', KEYS[2], input.count)
  local ids = {}
  for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
  return ids
end
return false
`);
