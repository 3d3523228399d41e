// The Lua scripts of the Redis-backed rate limiters: one per algorithm, each the in-process
// rule (../token-bucket.ts, ../gcra.ts, ../leaky-bucket.ts, ../windows.ts) written over the
// same state, so that Redis runs a whole decision — read, decide, write, set the TTL —
// atomically, whatever the number of clients. Time is the Redis server's (TIME), so the
// clients' clocks play no part; the script returns the time it used.
//
// Arithmetic: Lua numbers are doubles. The parameters are validated so that every product is
// below 2^50 (../errors.ts), and times are ms since the epoch (~2^41), so every value here is
// an integer held exactly; division goes through fdiv, which corrects the float quotient as
// ../int.ts does. Numbers are written with '%.0f' (Lua's tostring keeps only 14 digits) and
// passed to redis.call as strings.
//
// State is a string 'a b [c]' of integers per key, or for the sliding log a list of 't c'
// entries beside a 'sum newest' string. Every write sets a TTL at which the state would be
// at rest (a full bucket, a passed window), so an idle key leaves nothing behind and its
// absence means exactly the initial state. A refusal writes nothing: the rules' refill and
// window roll compose, so the state read next time decides the same.
//
// Fault model: a key may be missing (expired, or lost in a restart without persistence:
// then the key starts afresh, which can admit up to one more burst or limit — documented) or
// hold a value these scripts did not write: the script answers with an error reply starting
// 'COHORT-LIMIT-STATE' and changes nothing. The server clock may step back (NTP): a key's
// time never moves back (the later of TIME and the time in its state is used), and GCRA and
// the queue, whose state is in the future, only get stricter.

/** Replies: {allowed 0|1, remaining, retryAfterMs, delayMs, nowMs}. */
const PRELUDE = `
local function fdiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
  return q
end
local function cdiv(a, b) return -fdiv(-a, b) end
local function int(x) return string.format('%.0f', x) end
local function drain(amount, elapsed, rate)
  if elapsed <= 0 then return amount end
  if elapsed > amount / rate + 1 then return 0 end
  return math.max(0, amount - elapsed * rate)
end
local function bad(key, v)
  return redis.error_reply('COHORT-LIMIT-STATE ' .. key .. ' holds ' .. string.sub(v, 1, 64))
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[#ARGV])
local v = redis.call('GET', KEYS[1])
`;

/** Two integers 'a b' from v, or nil when v is absent; returns false on a malformed v. */
const PAIR = `
local function pair(v)
  if not v then return nil end
  local a, b = string.match(v, '^(%-?%d+) (%-?%d+)$')
  if not a then return false end
  return tonumber(a), tonumber(b)
end
`;

/** Token bucket. KEYS: state. ARGV: rate, periodMs, capacity (burst × periodMs), cost.
 *  State 'deficit atMs' (the deficit in 1/periodMs units; absent = a full bucket). */
const TOKEN_BUCKET = `${PRELUDE}${PAIR}
local rate, period, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local missing, at = pair(v)
if missing == false then return bad(KEYS[1], v) end
if missing == nil then missing, at = 0, now end
if at > now then now = at end
missing = drain(missing, now - at, rate)
local tokens = capacity - missing
local need = cost * period
if tokens < need then return {0, fdiv(tokens, period), cdiv(need - tokens, rate), 0, now} end
missing = missing + need
redis.call('SET', KEYS[1], int(missing) .. ' ' .. int(now), 'PX', int(cdiv(missing, rate)))
return {1, fdiv(tokens - need, period), 0, 0, now}
`;

/** Leaky bucket as a meter. As the token bucket, the state being the water in the bucket. */
const LEAKY_METER = `${PRELUDE}${PAIR}
local rate, period, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local water, at = pair(v)
if water == false then return bad(KEYS[1], v) end
if water == nil then water, at = 0, now end
if at > now then now = at end
water = drain(water, now - at, rate)
local poured = water + cost * period
if poured > capacity then
  return {0, fdiv(capacity - water, period), cdiv(poured - capacity, rate), 0, now}
end
redis.call('SET', KEYS[1], int(poured) .. ' ' .. int(now), 'PX', int(cdiv(poured, rate)))
return {1, fdiv(capacity - poured, period), 0, 0, now}
`;

/** GCRA. ARGV: rate, periodMs, capacity, cost. State 'tatMs tatFrac' (TAT = ms + frac/rate). */
const GCRA = `${PRELUDE}${PAIR}
local rate, period, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tatMs, tatFrac = pair(v)
if tatMs == false then return bad(KEYS[1], v) end
local ahead = 0
if tatMs ~= nil then ahead = math.max(0, (tatMs - now) * rate + tatFrac) end
local nxt = ahead + cost * period
if nxt > capacity then
  return {0, fdiv(capacity - ahead, period), cdiv(nxt - capacity, rate), 0, now}
end
local q = fdiv(nxt, rate)
redis.call('SET', KEYS[1], int(now + q) .. ' ' .. int(nxt - q * rate), 'PX', int(cdiv(nxt, rate)))
return {1, fdiv(capacity - nxt, period), 0, 0, now}
`;

/** Leaky bucket as a queue. ARGV: rate, periodMs, capacity in units, cost.
 *  State 'lastMs lastFrac': the last queued unit's departure, lastMs + lastFrac/rate. */
const LEAKY_QUEUE = `${PRELUDE}${PAIR}
local rate, period, units = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lastMs, lastFrac = pair(v)
if lastMs == false then return bad(KEYS[1], v) end
local ms, frac = now, 0
if lastMs ~= nil and (lastMs - now) * rate + lastFrac + period > 0 then
  ms, frac = lastMs, lastFrac + period
end
frac = frac + (cost - 1) * period
local q = fdiv(frac, rate)
ms, frac = ms + q, frac - q * rate
local ahead = (ms - now) * rate + frac
local waiting = 0
if ahead > 0 then waiting = cdiv(ahead, period) end
if waiting > units then
  local queued = 0
  if lastMs ~= nil then queued = math.max(0, cdiv((lastMs - now) * rate + lastFrac, period)) end
  return {0, math.max(0, units - queued), cdiv(ahead - units * period, rate), 0, now}
end
redis.call('SET', KEYS[1], int(ms) .. ' ' .. int(frac), 'PX', int(cdiv(ahead + period, rate)))
local delay = 0
if ahead > 0 then delay = cdiv(ahead, rate) end
return {1, units - waiting, 0, delay, now}
`;

/** Fixed window. ARGV: limit, windowMs, cost. State 'startMs count'. */
const FIXED_WINDOW = `${PRELUDE}${PAIR}
local limit, W = tonumber(ARGV[1]), tonumber(ARGV[2])
local start, count = pair(v)
if start == false then return bad(KEYS[1], v) end
if start ~= nil and now < start then now = start end
if start == nil or now >= start + W then start, count = fdiv(now, W) * W, 0 end
if count + cost > limit then return {0, limit - count, start + W - now, 0, now} end
count = count + cost
redis.call('SET', KEYS[1], int(start) .. ' ' .. int(count), 'PX', int(start + W - now))
return {1, limit - count, 0, 0, now}
`;

/** Sliding-window counter. ARGV: limit, windowMs, cost. State 'startMs count previous'. */
const SLIDING_COUNTER = `${PRELUDE}
local limit, W = tonumber(ARGV[1]), tonumber(ARGV[2])
local start, count, previous
if v then
  local a, b, c = string.match(v, '^(%-?%d+) (%d+) (%d+)$')
  if not a then return bad(KEYS[1], v) end
  start, count, previous = tonumber(a), tonumber(b), tonumber(c)
  if now < start then now = start end
  if now >= start + 2 * W then
    start = nil
  elseif now >= start + W then
    start, count, previous = start + W, 0, count
  end
end
if start == nil then start, count, previous = fdiv(now, W) * W, 0, 0 end
local elapsed = now - start
local room = limit * W - previous * (W - elapsed) - count * W
if room >= cost * W then
  count = count + cost
  local state = int(start) .. ' ' .. int(count) .. ' ' .. int(previous)
  redis.call('SET', KEYS[1], state, 'PX', int(start + 2 * W - now))
  return {1, fdiv(room - cost * W, W), 0, 0, now}
end
-- The least d >= 1 at which the same request passes: in this window, else in the next.
local retry = nil
local spare = limit - count - cost
if spare >= 0 and previous > 0 then
  local e = W - fdiv(spare * W, previous)
  if e < W then retry = math.max(1, e - elapsed) end
end
if retry == nil then
  local nxt = 0
  if count > 0 then nxt = math.max(0, W - fdiv((limit - cost) * W, count)) end
  if nxt < W then retry = W - elapsed + nxt else retry = 2 * W - elapsed end
end
return {0, math.max(0, fdiv(room, W)), retry, 0, now}
`;

/** Sliding-window log. KEYS: 'sum newestMs' string, log list. ARGV: limit, windowMs, cost.
 *  The log holds 't c' entries oldest first; requests in the same ms share an entry, so a
 *  key holds at most min(limit, windowMs) entries. Entries at or before now − W leave. */
const SLIDING_LOG = `${PRELUDE}${PAIR}
local limit, W = tonumber(ARGV[1]), tonumber(ARGV[2])
local sum, newest = pair(v)
if sum == false then return bad(KEYS[1], v) end
if sum == nil then sum, newest = 0, now end
if newest > now then now = newest end
local function entry(e)
  local a, b = string.match(e or '', '^(%-?%d+) (%d+)$')
  return tonumber(a), tonumber(b)
end
local popped, headAt, headCost = false, nil, nil
while sum > 0 do
  local at, c = entry(redis.call('LINDEX', KEYS[2], 0))
  if at == nil then return bad(KEYS[2], 'a log out of step with its sum') end
  if at > now - W then headAt, headCost = at, c break end
  redis.call('LPOP', KEYS[2])
  sum, popped = sum - c, true
end
if sum + cost <= limit then
  local last, lastCost = nil, nil
  if sum > 0 then last, lastCost = entry(redis.call('LINDEX', KEYS[2], -1)) end
  if last == now then
    redis.call('LSET', KEYS[2], -1, int(now) .. ' ' .. int(lastCost + cost))
  else
    redis.call('RPUSH', KEYS[2], int(now) .. ' ' .. int(cost))
  end
  sum = sum + cost
  redis.call('SET', KEYS[1], int(sum) .. ' ' .. int(now), 'PX', int(W))
  redis.call('PEXPIRE', KEYS[2], int(W))
  return {1, limit - sum, 0, 0, now}
end
-- Refused: the sum keeps step with the entries that left (its TTL, newest + W, stays).
if popped then redis.call('SET', KEYS[1], int(sum) .. ' ' .. int(newest), 'KEEPTTL') end
-- Wait until enough of the oldest entries have left the window (a refusal has sum > 0, so
-- the loop above stopped at the oldest entry: it is not read again).
if headAt == nil then return bad(KEYS[2], 'a log out of step with its sum') end
local left, i, at = sum - headCost, 1, headAt
while left + cost > limit do
  local c
  at, c = entry(redis.call('LINDEX', KEYS[2], i))
  if at == nil then return bad(KEYS[2], 'a log out of step with its sum') end
  left, i = left - c, i + 1
end
return {0, limit - sum, at + W - now, 0, now}
`;

export const LIMIT_SCRIPTS = {
  cohortLimitTokenBucket: { numberOfKeys: 1, lua: TOKEN_BUCKET },
  cohortLimitLeakyMeter: { numberOfKeys: 1, lua: LEAKY_METER },
  cohortLimitGcra: { numberOfKeys: 1, lua: GCRA },
  cohortLimitLeakyQueue: { numberOfKeys: 1, lua: LEAKY_QUEUE },
  cohortLimitFixedWindow: { numberOfKeys: 1, lua: FIXED_WINDOW },
  cohortLimitSlidingCounter: { numberOfKeys: 1, lua: SLIDING_COUNTER },
  cohortLimitSlidingLog: { numberOfKeys: 2, lua: SLIDING_LOG },
} as const;

export type LimitScriptName = keyof typeof LIMIT_SCRIPTS;
