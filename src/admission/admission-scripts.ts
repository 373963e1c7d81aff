import { LuaScript } from '../redis/lua-script.js';

/**
 * Admission as Lua, so each step is atomic fleet-wide. A rate bucket is a hash: `lvl` (its level
 * when last touched), `ts` (then), `lim` (the limit per minute the provider reported), `blk` (no
 * call until then: a 429, an exhausted quota) and `why` (the block's reason). A bucket of limit L
 * per minute paces at `L * headroom`: it holds half a second of that and refills continuously, so
 * the provider's own bucket (a second of its limit, as OpenAI enforces) keeps a cushion for calls
 * that reach it out of step.
 */

/** Shared Lua: a bucket's effective limit and its level now. */
const bucketLua = `
local function effective(configured, learned)
  if configured and learned then return math.min(configured, learned) end
  return configured or learned
end
-- The level at 'now', and the time it stands at: never before the bucket was last touched, so a
-- call decided with a slightly older clock (another process, another machine) refills nothing twice.
local function level(h, limit, headroom, now)
  local pace = limit * headroom
  local cap = math.max(1, pace / 120)
  local rate = pace / 60000
  local lvl = tonumber(h[1])
  local ts = tonumber(h[2])
  if lvl == nil or ts == nil then return cap, cap, rate, now end
  local at = math.max(now, ts)
  return math.min(cap, lvl + (at - ts) * rate), cap, rate, at
end
`;

/** One call's checks; `key` is the 1-based index of its key in KEYS. */
export interface AdmitCallInput {
  rates: { key: number; limit?: number; cost: number }[];
  leases: { key: number; limit: number; id: string; expiresAt: number }[];
  budgets: { key: number; usd: number; cost: number; expireAt: number }[];
}

/** KEYS: every key the calls name (each once). The calls are admitted in order, each atomically. */
export interface AdmitInput {
  now: number;
  headroom: number;
  calls: AdmitCallInput[];
  /** How long bucket keys outlive their last use (learned limits are kept that long). */
  ttlMs: number;
}

/** The first check that refused a call: which one, until when, and what it saw. */
export type AdmitRefusal =
  | { kind: 'blocked'; index: number; until: number; why: string; block: BlockKind }
  | {
      kind: 'rate';
      index: number;
      until: number;
      limit: number;
      /** Whole requests (or tokens) the bucket holds now: fewer than the call needs. */
      left: number;
      spacing: number;
    }
  | { kind: 'lease'; index: number; inFlight: number }
  | { kind: 'budget'; index: number; spent: number };

export type AdmitReply = { admitted: true } | ({ admitted: false } & AdmitRefusal);

/**
 * Checks every bucket, lease and budget of each call in turn, and reserves all of them or none: the
 * calls of one batch are decided one after another, as if each had its own round trip. Replies a
 * JSON array of AdmitReply, one per call.
 */
export const admitScript = new LuaScript(`
${bucketLua}
local input = cjson.decode(ARGV[1])
local now = input.now
-- Each bucket is read once per batch and written once at its end: the calls of a batch are decided
-- one after another against the state the earlier ones left, in memory.
local buckets = {}
local function bucket(key)
  local b = buckets[key]
  if not b then
    b = { h = redis.call('HMGET', KEYS[key], 'lvl', 'ts', 'lim', 'blk', 'why', 'bkk', 'exp'), dirty = false }
    buckets[key] = b
  end
  return b
end
local function admit(call)
  local levels = {}
  local times = {}
  for i, rate in ipairs(call.rates) do
    local h = bucket(rate.key).h
    local blk = tonumber(h[4])
    if blk and blk > now then
      return { admitted = false, kind = 'blocked', index = i - 1, ['until'] = blk, why = h[5] or '', block = h[6] or 'rate' }
    end
    local limit = effective(rate.limit, tonumber(h[3]))
    if limit then
      local lvl, cap, pace, at = level(h, limit, input.headroom, now)
      local need = math.min(rate.cost, cap)
      if lvl < need then
        return {
          admitted = false, kind = 'rate', index = i - 1, ['until'] = at + math.ceil((need - lvl) / pace),
          limit = limit, left = math.max(0, math.floor(lvl)), spacing = math.ceil(need / pace)
        }
      end
      levels[i] = lvl - rate.cost
      times[i] = at
    end
  end
  for j, lease in ipairs(call.leases) do
    redis.call('ZREMRANGEBYSCORE', KEYS[lease.key], '-inf', now)
    local count = redis.call('ZCARD', KEYS[lease.key])
    if count >= lease.limit then
      return { admitted = false, kind = 'lease', index = j - 1, inFlight = count }
    end
  end
  for k, budget in ipairs(call.budgets) do
    local spent = tonumber(redis.call('GET', KEYS[budget.key])) or 0
    if spent >= budget.usd then
      return { admitted = false, kind = 'budget', index = k - 1, spent = spent }
    end
  end
  for i, rate in ipairs(call.rates) do
    if levels[i] then
      local b = bucket(rate.key)
      b.h[1] = levels[i]
      b.h[2] = times[i]
      b.dirty = true
    end
  end
  for _, lease in ipairs(call.leases) do
    redis.call('ZADD', KEYS[lease.key], lease.expiresAt, lease.id)
    redis.call('PEXPIRE', KEYS[lease.key], math.max(1, lease.expiresAt - now))
  end
  for _, budget in ipairs(call.budgets) do
    if budget.cost > 0 then redis.call('INCRBYFLOAT', KEYS[budget.key], tostring(budget.cost)) end
    redis.call('PEXPIREAT', KEYS[budget.key], budget.expireAt)
  end
  return { admitted = true }
end
local replies = {}
for n, call in ipairs(input.calls) do replies[n] = admit(call) end
for key, b in pairs(buckets) do
  if b.dirty then
    -- The key's life is renewed when half of it has gone, not on every batch.
    local renewed = tonumber(b.h[7])
    if renewed == nil or now - renewed > input.ttlMs / 2 then
      redis.call('HSET', KEYS[key], 'lvl', tostring(b.h[1]), 'ts', b.h[2], 'exp', now)
      redis.call('PEXPIRE', KEYS[key], input.ttlMs)
    else
      redis.call('HSET', KEYS[key], 'lvl', tostring(b.h[1]), 'ts', b.h[2])
    end
  end
end
return cjson.encode(replies)
`);

/**
 * KEYS: each rate bucket to correct, then each lease set, then each budget key. After a call: the
 * token buckets get back what the estimate over-charged (or pay what it under-charged), the leases
 * are released and the budgets charged the real cost instead of the estimate.
 */
export interface SettleInput {
  rates: { delta: number }[];
  leases: { id: string }[];
  budgets: { delta: number }[];
}

export const settleScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
local nr = #input.rates
local nl = #input.leases
for i, rate in ipairs(input.rates) do
  if rate.delta ~= 0 and redis.call('HEXISTS', KEYS[i], 'lvl') == 1 then
    redis.call('HINCRBYFLOAT', KEYS[i], 'lvl', tostring(rate.delta))
  end
end
for j, lease in ipairs(input.leases) do
  redis.call('ZREM', KEYS[nr + j], lease.id)
end
for k, budget in ipairs(input.budgets) do
  if budget.delta ~= 0 and redis.call('EXISTS', KEYS[nr + nl + k]) == 1 then
    redis.call('INCRBYFLOAT', KEYS[nr + nl + k], tostring(budget.delta))
  end
end
return 'settled'
`);

/**
 * KEYS: the requests bucket and the tokens bucket of a scope. What a provider's headers said: its
 * limits per minute, and what remains (a bucket is lowered to it, never raised: others may share
 * the key; our own reservations are already counted).
 */
export interface LearnInput {
  now: number;
  headroom: number;
  ttlMs: number;
  requests?: { limit: number; remaining: number };
  tokens?: { limit: number; remaining: number };
}

export const learnScript = new LuaScript(`
${bucketLua}
local input = cjson.decode(ARGV[1])
local function learn(key, reported)
  if not reported or reported.limit <= 0 then return end
  local h = redis.call('HMGET', key, 'lvl', 'ts')
  local lvl, cap, _, at = level(h, reported.limit, input.headroom, input.now)
  local theirs = math.max(0, reported.remaining) / reported.limit * cap
  redis.call('HSET', key, 'lim', reported.limit, 'lvl', tostring(math.min(lvl, theirs)), 'ts', at)
  redis.call('PEXPIRE', key, input.ttlMs)
end
learn(KEYS[1], input.requests)
learn(KEYS[2], input.tokens)
return 'learned'
`);

/**
 * KEYS: the requests bucket of the blocked scope. No call until `until` (a 429's reset or
 * Retry-After, an exhausted quota's reset): the bucket is emptied and a block set that never moves
 * earlier.
 */
export type BlockKind = 'rate' | 'quota';

export interface BlockInput {
  kind: BlockKind;
  now: number;
  until: number;
  why: string;
  ttlMs: number;
}

export const blockScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'blk')) or 0
if current >= input['until'] then return 'already' end
local at = math.max(input.now, tonumber(redis.call('HGET', KEYS[1], 'ts')) or input.now)
redis.call('HSET', KEYS[1], 'blk', input['until'], 'why', input.why, 'bkk', input.kind, 'lvl', '0', 'ts', at)
redis.call('PEXPIRE', KEYS[1], math.max(input.ttlMs, input['until'] - input.now + 60000))
return 'blocked'
`);

/**
 * KEYS: a limit's wait-slot key. A job that must wait for capacity gets the next free slot at or
 * after `ready`, and the slot after it moves on by `spacing`: waiting jobs come back one after
 * another, as capacity frees, never all at once. Replies the slot (epoch ms).
 */
export interface SlotInput {
  now: number;
  ready: number;
  spacing: number;
}

export const slotScript = new LuaScript(`
local input = cjson.decode(ARGV[1])
local next = tonumber(redis.call('GET', KEYS[1])) or 0
local slot = math.max(next, input.ready)
redis.call('SET', KEYS[1], slot + input.spacing, 'PX', math.max(1000, slot + input.spacing - input.now + 1000))
return slot
`);
