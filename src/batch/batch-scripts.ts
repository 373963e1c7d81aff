import { LuaScript } from '../redis/lua-script.js';

/**
 * The batch machinery's atomic steps as Lua, each taking its keys and one JSON argument with named
 * fields. Atomic so that a job joins one collection once, and a collected job is claimed by one
 * batch only, whichever workers run them at once.
 */

/** KEYS: job's batch record, collection, pending requests, collecting pairs. */
export interface JoinInput {
  jobId: string;
  provider: string;
  model: string;
  index: number;
  joinedAt: number;
  /** The job's request, JSON. */
  request: string;
  ttlMs: number;
  /** `provider\nmodel`, the collecting set's member. */
  pair: string;
}

/**
 * Replies 'joined', or 'exists' when the job already has a batch record for this entry or a later
 * one (it never joins twice). A record of an earlier batch entry that has its outcome is replaced:
 * the chain went on past it to another batch entry.
 */
export const joinScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then
  local index = tonumber(redis.call('HGET', KEYS[1], 'index') or '0')
  if index >= input.index or redis.call('HEXISTS', KEYS[1], 'outcome') == 0 then return 'exists' end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'provider', input.provider, 'model', input.model, 'index', input.index, 'joinedAt', input.joinedAt)
redis.call('PEXPIRE', KEYS[1], input.ttlMs)
redis.call('ZADD', KEYS[2], input.joinedAt, input.jobId)
redis.call('HSET', KEYS[3], input.jobId, input.request)
redis.call('SADD', KEYS[4], input.pair)
return 'joined'
`);

/** KEYS: collection, pending requests, batch record, batch items, all batches, open batches, lease, collecting pairs, totals. */
export interface ClaimInput {
  batchId: string;
  provider: string;
  model: string;
  now: number;
  maxJobs: number;
  maxWaitMs: number;
  /** Key prefix of a job's batch record (`batchJob` without the id). */
  jobPrefix: string;
  /** Key prefix of a BullMQ job hash (`bull:<queue>:`): a job removed meanwhile is left out. */
  queuePrefix: string;
  worker: string;
  leaseMs: number;
  pair: string;
}

/**
 * Claims up to maxJobs collected jobs, oldest first, into a new batch in status `submitting`, leased
 * to the claiming worker; only when the flush is due (checked here, atomically). Replies the count.
 */
export const claimScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
local count = redis.call('ZCARD', KEYS[1])
if count == 0 then
  redis.call('SREM', KEYS[8], input.pair)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if count < input.maxJobs and input.now - tonumber(oldest[2]) < input.maxWaitMs then return 0 end
local ids = redis.call('ZRANGE', KEYS[1], 0, input.maxJobs - 1)
local claimed = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local request = redis.call('HGET', KEYS[2], id)
  redis.call('HDEL', KEYS[2], id)
  if request and redis.call('EXISTS', input.queuePrefix .. id) == 1 then
    redis.call('HSET', KEYS[4], id, request)
    redis.call('HSET', input.jobPrefix .. id, 'batchId', input.batchId)
    claimed = claimed + 1
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[8], input.pair) end
if claimed == 0 then return 0 end
redis.call('HSET', KEYS[3], 'id', input.batchId, 'provider', input.provider, 'model', input.model,
  'status', 'submitting', 'createdAt', input.now, 'total', claimed, 'succeeded', 0, 'errored', 0,
  'expired', 0, 'costUsd', 0, 'listCostUsd', 0)
redis.call('ZADD', KEYS[5], input.now, input.batchId)
redis.call('SADD', KEYS[6], input.batchId)
redis.call('SET', KEYS[7], input.worker, 'PX', input.leaseMs)
redis.call('HINCRBY', KEYS[9], 'jobsBatched', claimed)
return claimed
`);

/** KEYS: job's batch record, collection, pending requests. */
export interface LeaveInput {
  jobId: string;
}

/**
 * Takes a job out of its collection when no batch claimed it yet: 'left'. 'claimed' when a batch
 * has it (its result will be discarded), 'none' when it has no batch record.
 */
export const leaveScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 'none' end
if redis.call('HEXISTS', KEYS[1], 'batchId') == 1 then return 'claimed' end
redis.call('ZREM', KEYS[2], input.jobId)
redis.call('HDEL', KEYS[3], input.jobId)
redis.call('DEL', KEYS[1])
return 'left'
`);

/** KEYS: lease. Deletes the lease only while this worker holds it. */
export const releaseScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if redis.call('GET', KEYS[1]) == input.worker then redis.call('DEL', KEYS[1]) end
return 'ok'
`);

/** KEYS: lease. Gives this worker's lease a fresh `leaseMs`; 'lost' when another holds it or it ran out. */
export const renewScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
if redis.call('GET', KEYS[1]) ~= input.worker then return 'lost' end
redis.call('PEXPIRE', KEYS[1], input.leaseMs)
return 'held'
`);
