/**
 * The fleet's transitions as Lua, so each is one atomic step in Redis: a check, the new record, and
 * the broadcast. Numbers travel as strings; the record is JSON (cjson).
 */

/**
 * KEYS: fleet hash, trips set, probe lease, failure counter.
 * ARGV: provider, worker, now, until ('' = until closed by hand), reason, quorum, windowMs,
 *       manual JSON (''), force ('1': skip quorum and keep-later checks), channel,
 *       probe ('1': only if this worker holds the probe lease).
 * Returns 'pending' (quorum not reached), 'already' (open at least as long), 'lost' or 'opened'.
 */
export const openScript = `
local provider, worker, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local untilArg, reason, quorum, windowMs = ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local manual, force, channel, probe = ARGV[8], ARGV[9], ARGV[10], ARGV[11]
if probe == '1' and redis.call('GET', KEYS[3]) ~= worker then return 'lost' end
if force ~= '1' then
  redis.call('SADD', KEYS[2], worker)
  redis.call('PEXPIRE', KEYS[2], windowMs)
  if redis.call('SCARD', KEYS[2]) < quorum then return 'pending' end
  local current = redis.call('HGET', KEYS[1], provider)
  if current then
    local record = cjson.decode(current)
    if record.state == 'open' and (record['until'] == nil or record['until'] >= tonumber(untilArg)) then
      return 'already'
    end
  end
end
local record = { state = 'open', since = now, reason = reason, worker = worker }
if untilArg ~= '' then record['until'] = tonumber(untilArg) end
if manual ~= '' then record.manual = cjson.decode(manual) end
redis.call('HSET', KEYS[1], provider, cjson.encode(record))
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('PUBLISH', channel, cjson.encode({ provider = provider, record = record }))
return 'opened'
`;

/**
 * One failed call, counted fleet-wide, so the fleet trips after `volume` failures in all, as one
 * process would, instead of `volume` in each.
 * KEYS: fleet hash, trips set, probe lease, failure counter.
 * ARGV: provider, worker, now, until, reason, quorum, windowMs, volume, eligible ('1': this
 *       worker's own failure rate is over the threshold), channel.
 * Returns 'counted', 'already' or 'opened'.
 */
export const failureScript = `
local provider, worker, now, untilMs, reason = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local quorum, windowMs, volume, eligible, channel = tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8]), ARGV[9], ARGV[10]
local count = redis.call('INCR', KEYS[4])
if count == 1 then redis.call('PEXPIRE', KEYS[4], windowMs) end
if eligible == '1' then
  redis.call('SADD', KEYS[2], worker)
  redis.call('PEXPIRE', KEYS[2], windowMs)
end
if eligible ~= '1' or count < volume or redis.call('SCARD', KEYS[2]) < quorum then return 'counted' end
local current = redis.call('HGET', KEYS[1], provider)
if current and cjson.decode(current).state == 'open' then return 'already' end
local record = { state = 'open', since = now, reason = reason, worker = worker }
record['until'] = untilMs
redis.call('HSET', KEYS[1], provider, cjson.encode(record))
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('PUBLISH', channel, cjson.encode({ provider = provider, record = record }))
return 'opened'
`;

/**
 * KEYS: fleet hash, trips set, probe lease, failure counter.
 * ARGV: provider, worker, now, manual JSON (''), probe ('1': only if this worker holds the lease), channel.
 * Returns 1 when closed, 0 when the probe lease was lost (someone changed the state meanwhile).
 */
export const closeScript = `
if ARGV[5] == '1' and redis.call('GET', KEYS[3]) ~= ARGV[2] then return 0 end
local record = { state = 'closed', since = tonumber(ARGV[3]), worker = ARGV[2] }
if ARGV[4] ~= '' then record.manual = cjson.decode(ARGV[4]) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('PUBLISH', ARGV[6], cjson.encode({ provider = ARGV[1], record = record }))
return 1
`;

/**
 * KEYS: fleet hash, probe lease. ARGV: provider, worker, now, lease ttl ms.
 * Returns { won (1|0), the provider's record (JSON or false), the lease's remaining ms }: this worker
 * may send the probe when the provider is open, its open period is over and nobody holds the lease.
 */
export const acquireProbeScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return { 0, false, 0 } end
local record = cjson.decode(current)
if record.state ~= 'open' or record['until'] == nil or record['until'] > tonumber(ARGV[3]) then
  return { 0, current, 0 }
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[4]) then return { 1, current, tonumber(ARGV[4]) } end
return { 0, current, redis.call('PTTL', KEYS[2]) }
`;

/** KEYS: probe lease. ARGV: worker. Releases the lease if this worker holds it. */
export const releaseProbeScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS: lease, deferred set. ARGV: worker, lease ttl ms, count.
 * Takes the lease (one waker per moment) and pops up to `count` deferred job ids; nothing when
 * another worker holds the lease.
 */
export const takeDeferredScript = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[1]) == ARGV[1] then
  local popped = redis.call('ZPOPMIN', KEYS[2], ARGV[3])
  local ids = {}
  for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
  return ids
end
return false
`;
