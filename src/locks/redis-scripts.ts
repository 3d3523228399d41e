// The Lua scripts behind the Redis and Redlock lock backends (issue 17), and the key layout
// they work on. Every state change of a lock is one script, so Redis runs it atomically: a
// grant and its fencing token (`INCR` of the name's counter) happen together or not at all;
// release and extend compare the grant id before they touch anything (compare-and-delete,
// compare-and-pexpire), so a holder whose lease ran out can never delete or extend the lock
// someone else was granted since.
//
// Exclusive locks are the notes' `SET key value NX PX ttl`, the value being
// `grant|count|token|owner`: `grant` is the random id of the grant (what release and extend
// compare), `count` the owner's holds (reentrancy lives in Redis, so it is right even when
// one owner id is used from several processes), `token` the fencing token.
//
// A waiter of an exclusive lock queues (FIFO hand-off, as ZooKeeper's and etcd's queues do
// it): its attempt adds its grant id to the name's queue (a sorted set in arrival order,
// beside a hash of each entry's owner, TTL and deadline), and the release that frees the
// lock grants it to the queue's head in the same script — the next holder's key, fencing
// token and lease are written there — and publishes `grant|token` so that only that waiter
// wakes, already holding the lock. Nobody races for a released lock, so nobody spins or
// barges: an attempt that finds the lock free while live waiters are queued hands it to the
// head first. An entry lives `queue ms` after the waiter's last attempt (waiters attempt
// again at least every retryMaxMs), so a waiter that died is skipped once that passes; one
// granted the lock in that window holds it until its TTL, like any holder that dies. Redlock
// never queues (`queue ms` 0): a hand-off on one instance of N would split the majority.
// The queue's own writes are not propagated (redis.set_repl): neither the AOF nor replicas
// see them, so an attempt that only queues costs no fsync; a restart empties the queue and
// the waiters' next attempts fill it again. Grants, tokens and releases are propagated.
//
// Semaphores (limit
// N) and read/write locks keep their holders in a sorted set scored by expiry (Redis server
// time, from TIME) beside a hash of the holders' records; every script first drops the
// holders whose lease has passed, so a crashed holder frees its slot after its TTL.
//
// Fault model: the keys may be missing (expired, or lost in a restart without persistence)
// or, if something else wrote them, malformed: a malformed value counts as held by somebody
// else, never as ours. Tokens are exact up to 2^53 grants per name (Lua numbers are doubles).

/** The keys and channel of one lock name. `{name}` is a Redis Cluster hash tag: the keys a
 *  script touches share a slot. Prefixes differ per role, so no name's key is another's. */
export interface RedisLockKeys {
  readonly lock: string;
  readonly fence: string;
  /** Exclusive waiters in arrival order (grant ids), and each one's `owner|ttl|deadline`. */
  readonly queue: string;
  readonly waiters: string;
  readonly holders: string;
  readonly records: string;
  readonly writerWaiting: string;
  /** Published to by every release (channels are not keys: no clash with `lock`). */
  readonly channel: string;
}

export function redisLockKeys(prefix: string, name: string): RedisLockKeys {
  const tag = `{${name}}`;
  return {
    lock: `${prefix}lock:${tag}`,
    fence: `${prefix}fence:${tag}`,
    queue: `${prefix}queue:${tag}`,
    waiters: `${prefix}waiters:${tag}`,
    holders: `${prefix}holders:${tag}`,
    records: `${prefix}records:${tag}`,
    writerWaiting: `${prefix}writer-waiting:${tag}`,
    channel: `${prefix}released:${tag}`,
  };
}

/** What every exclusive script starts with. KEYS: lock, fence, queue, waiters. */
const EXCLUSIVE_PRELUDE = `
-- Queue writes are neither appended to the AOF nor replicated: with appendfsync always, an
-- attempt that only queues then costs no fsync. A queue lost in a restart is rebuilt by the
-- waiters' next attempts (every retryMaxMs at the latest); grants and tokens are logged.
local function unlogged(f)
  redis.set_repl(redis.REPL_NONE)
  f()
  redis.set_repl(redis.REPL_ALL)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function grant_to(grant, owner, ttl)
  local token = redis.call('INCR', KEYS[2])
  local value = grant .. '|1|' .. string.format('%d', token) .. '|' .. owner
  redis.call('SET', KEYS[1], value, 'PX', ttl)
  return token
end
-- Grants the free lock to the first live waiter, tells it (channel), and says whether it did.
local function hand_off(now, channel)
  while true do
    local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    if not head then return false end
    local entry = redis.call('HGET', KEYS[4], head)
    unlogged(function()
      redis.call('ZREM', KEYS[3], head)
      redis.call('HDEL', KEYS[4], head)
    end)
    local owner, ttl, deadline = string.match(entry or '', '^(.*)|(%d+)|(%d+)$')
    if owner and tonumber(deadline) > now then
      local token = grant_to(head, owner, ttl)
      redis.call('PUBLISH', channel, head .. '|' .. string.format('%d', token))
      return true
    end
  end
end
-- The lock was just freed: it goes to the first live waiter; when none took it and waiters
-- that do not queue may be asleep on the channel (Redlock's: wake_unqueued '1'), they are
-- told. A queueing backend's waiters are all in the queue (or their timers find the lock).
local function freed(channel, wake_unqueued)
  if redis.call('ZCARD', KEYS[3]) > 0 and hand_off(now_ms(), channel) then return end
  if wake_unqueued == '1' then redis.call('PUBLISH', channel, '') end
end
local function enqueue(grant, owner, ttl, queue_ms)
  local t = redis.call('TIME')
  local arrival = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local now = math.floor(arrival / 1000)
  unlogged(function()
    redis.call('ZADD', KEYS[3], 'NX', arrival, grant)
    redis.call('HSET', KEYS[4], grant, owner .. '|' .. ttl .. '|' .. (now + queue_ms))
    for k = 3, 4 do
      if redis.call('PTTL', KEYS[k]) < queue_ms then redis.call('PEXPIRE', KEYS[k], queue_ms) end
    end
  end)
end
`;

/** Exclusive acquire. KEYS: lock, fence, queue, waiters. ARGV: owner, grant, ttl ms,
 *  queue ms (0: do not queue), channel.
 *  Returns {1, token, grant} (the grant id of a re-entered grant is the original's), {2,
 *  token, grant}: this grant was handed to the caller while it waited, or {0, pttl of the
 *  holder} (−1: no expiry, a foreign key), the caller queued when `queue ms` > 0. A re-entry
 *  never shortens the lease: another hold of the same grant was promised the longer one. */
const EXCLUSIVE_ACQUIRE = `
local owner, grant, ttl, queue_ms = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local v = redis.call('GET', KEYS[1])
-- The uncontended path (GET, ZCARD, INCR, SET) comes before the helpers are even defined:
-- defining them costs the server a quarter of this script's time.
local queued = not v and redis.call('ZCARD', KEYS[3]) > 0
if not v and not queued then
  local token = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], grant .. '|1|' .. string.format('%d', token) .. '|' .. owner, 'PX', ttl)
  return {1, token, grant}
end
${EXCLUSIVE_PRELUDE}
if queued then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
  if first ~= grant and hand_off(now_ms(), ARGV[5]) then v = redis.call('GET', KEYS[1]) end
end
if not v then
  unlogged(function()
    redis.call('ZREM', KEYS[3], grant)
    redis.call('HDEL', KEYS[4], grant)
  end)
  local token = grant_to(grant, owner, ttl)
  return {1, token, grant}
end
local held, count, token, holder = string.match(v, '^(%x+)|(%d+)|(%d+)|(.*)$')
if held == grant then return {2, tonumber(token), grant} end
local pttl = redis.call('PTTL', KEYS[1])
if holder ~= owner then
  if queue_ms > 0 then enqueue(grant, owner, ttl, queue_ms) end
  return {0, pttl}
end
local value = held .. '|' .. (tonumber(count) + 1) .. '|' .. token .. '|' .. holder
if tonumber(ttl) > pttl then
  redis.call('SET', KEYS[1], value, 'PX', ttl)
else
  redis.call('SET', KEYS[1], value, 'KEEPTTL')
end
return {1, tonumber(token), held}
`;

/** Exclusive release of one hold. KEYS: lock, fence, queue, waiters. ARGV: grant, channel,
 *  wake unqueued ('1': publish '' when nobody queued took it). Returns the holds left (0:
 *  released — handed to the next waiter, or deleted) or −1: not ours. */
const EXCLUSIVE_RELEASE = `
local v = redis.call('GET', KEYS[1])
if not v then return -1 end
local grant, count, rest = string.match(v, '^(%x+)|(%d+)|(.*)$')
if grant ~= ARGV[1] then return -1 end
local left = tonumber(count) - 1
if left > 0 then
  redis.call('SET', KEYS[1], grant .. '|' .. left .. '|' .. rest, 'KEEPTTL')
  return left
end
redis.call('DEL', KEYS[1])
-- Nobody queued (the uncontended path: GET, DEL, ZCARD): done before the helpers are defined.
if redis.call('ZCARD', KEYS[3]) == 0 then
  if ARGV[3] == '1' then redis.call('PUBLISH', ARGV[2], '') end
  return 0
end
${EXCLUSIVE_PRELUDE}
freed(ARGV[2], ARGV[3])
return 0
`;

/** A waiter gives up. KEYS: lock, fence, queue, waiters. ARGV: grant, channel, wake
 *  unqueued (as for release). Its queue
 *  entry goes; if the lock was handed to it meanwhile, it passes on (1), else 0. */
const EXCLUSIVE_LEAVE = `${EXCLUSIVE_PRELUDE}
unlogged(function()
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[1])
end)
local v = redis.call('GET', KEYS[1])
if not v or string.match(v, '^(%x+)|') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
freed(ARGV[2], ARGV[3])
return 1
`;

/** Exclusive extend. KEYS: lock. ARGV: grant, ttl ms. Returns 1, or 0: not ours (lost).
 *  It only lengthens the lease, for the reason re-entry does. */
const EXCLUSIVE_EXTEND = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if string.match(v, '^(%x+)|') ~= ARGV[1] then return 0 end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
`;

/** Helpers every shared-mode script starts with. KEYS[1] holders, KEYS[2] records. */
const SHARED_PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function purge(now)
  local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
  for _, o in ipairs(gone) do redis.call('HDEL', KEYS[2], o) end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
end
local function keep_alive(now)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] then
    local ms = math.max(1, tonumber(last[2]) - now)
    redis.call('PEXPIRE', KEYS[1], ms)
    redis.call('PEXPIRE', KEYS[2], ms)
  end
end
local function parse(rec)
  return string.match(rec, '^(%x+)|(%d+)|(%d+)|(%a)$')
end
`;

/** Semaphore / read / write acquire. KEYS: holders, records, fence, writer-waiting.
 *  ARGV: owner, grant, ttl ms, mode ('s' | 'r' | 'w'), limit, writer-intent ms (0: none).
 *  Returns {1, token, grant}, {0, ms until the first holder expires (−1: unknown)}, or {-1}:
 *  this owner holds it in another mode (no upgrades: two upgrading readers would deadlock).
 *  A writer that must wait marks the lock for `intent` ms; new readers then wait too, so a
 *  stream of readers cannot starve writers. Holders expire by score, not by key TTL. */
const SHARED_ACQUIRE = `${SHARED_PRELUDE}
local now = now_ms()
purge(now)
local ttl, mode = tonumber(ARGV[3]), ARGV[4]
local rec = redis.call('HGET', KEYS[2], ARGV[1])
if rec then
  local grant, count, token, held = parse(rec)
  if held ~= mode then return {-1} end
  local expiry = math.max(tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])), now + ttl)
  redis.call('HSET', KEYS[2], ARGV[1], grant .. '|' .. (tonumber(count) + 1) .. '|' .. token .. '|' .. mode)
  redis.call('ZADD', KEYS[1], expiry, ARGV[1])
  keep_alive(now)
  return {1, tonumber(token), grant}
end
local n = redis.call('ZCARD', KEYS[1])
local free
if mode == 'w' then
  free = n == 0
elseif mode == 'r' then
  free = redis.call('EXISTS', KEYS[4]) == 0
  if free and n > 0 then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0)
    local _, _, _, m = parse(redis.call('HGET', KEYS[2], first[1]) or '')
    free = m == 'r'
  end
else
  free = n < tonumber(ARGV[5])
end
if not free then
  if mode == 'w' and tonumber(ARGV[6]) > 0 then
    redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[6])
  end
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if first[2] then return {0, tonumber(first[2]) - now} end
  return {0, -1}
end
if mode == 'w' then redis.call('DEL', KEYS[4]) end
local token = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|1|' .. string.format('%d', token) .. '|' .. mode)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
keep_alive(now)
return {1, token, ARGV[2]}
`;

/** Shared-mode release of one hold. KEYS: holders, records. ARGV: owner, grant, channel.
 *  Returns the holds left (0: gone, waiters woken) or −1: not ours (or expired). */
const SHARED_RELEASE = `${SHARED_PRELUDE}
local now = now_ms()
purge(now)
local rec = redis.call('HGET', KEYS[2], ARGV[1])
if not rec then return -1 end
local grant, count, token, mode = parse(rec)
if grant ~= ARGV[2] then return -1 end
local left = tonumber(count) - 1
if left > 0 then
  redis.call('HSET', KEYS[2], ARGV[1], grant .. '|' .. left .. '|' .. token .. '|' .. mode)
  return left
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], '')
return 0
`;

/** Shared-mode extend. KEYS: holders, records. ARGV: owner, grant, ttl ms. 1, or 0: lost. */
const SHARED_EXTEND = `${SHARED_PRELUDE}
local now = now_ms()
purge(now)
local rec = redis.call('HGET', KEYS[2], ARGV[1])
if not rec then return 0 end
local grant = parse(rec)
if grant ~= ARGV[2] then return 0 end
local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
redis.call('ZADD', KEYS[1], math.max(score, now + tonumber(ARGV[3])), ARGV[1])
keep_alive(now)
return 1
`;

/** ioredis `scripts` option: each becomes a command (EVALSHA, EVAL on NOSCRIPT). */
export const LOCK_SCRIPTS = {
  cohortLockAcquire: { numberOfKeys: 4, lua: EXCLUSIVE_ACQUIRE },
  cohortLockRelease: { numberOfKeys: 4, lua: EXCLUSIVE_RELEASE },
  cohortLockLeave: { numberOfKeys: 4, lua: EXCLUSIVE_LEAVE },
  cohortLockExtend: { numberOfKeys: 1, lua: EXCLUSIVE_EXTEND },
  cohortSharedAcquire: { numberOfKeys: 4, lua: SHARED_ACQUIRE },
  cohortSharedRelease: { numberOfKeys: 2, lua: SHARED_RELEASE },
  cohortSharedExtend: { numberOfKeys: 2, lua: SHARED_EXTEND },
} as const;

type Arg = string | number;
/** The commands LOCK_SCRIPTS adds to a client (replies as Redis sends them). */
export interface LockScriptCommands {
  cohortLockAcquire(l: string, f: string, q: string, w: string, ...argv: Arg[]): Promise<unknown>;
  cohortLockRelease(l: string, f: string, q: string, w: string, ...argv: Arg[]): Promise<unknown>;
  cohortLockLeave(l: string, f: string, q: string, w: string, ...argv: Arg[]): Promise<unknown>;
  cohortLockExtend(lock: string, ...argv: Arg[]): Promise<unknown>;
  cohortSharedAcquire(h: string, r: string, f: string, w: string, ...argv: Arg[]): Promise<unknown>;
  cohortSharedRelease(holders: string, records: string, ...argv: Arg[]): Promise<unknown>;
  cohortSharedExtend(holders: string, records: string, ...argv: Arg[]): Promise<unknown>;
}
