/**
 * The Lua scripts behind `ZumRailsRedisTokenStore`'s rate limits. KEYS[1] is a rule's log (a sorted
 * set of call ids scored by when their slot starts its last window), KEYS[2] its pause; both
 * carry the same `{hash tag}`, so they share a Redis Cluster slot. Time is Redis `TIME`: the
 * whole fleet counts on one clock, so replicas' clock skew never widens or narrows a window.
 */

/**
 * KEYS[1] log, KEYS[2] pause; ARGV: limit, window ms, call id, hold ms →
 * `{taken 0|1, waitMs, remaining}`. One round trip: expire entries whose window is over
 * (ZREMRANGEBYSCORE), count (ZCARD), add the call (ZADD, scored `now + hold`: in flight until
 * released) when there is room, else the earliest the oldest entry can leave.
 */
export const TAKE_RATE_SLOT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused, 0} end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local hold = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used < limit then
  redis.call('ZADD', KEYS[1], now + hold, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + hold)
  return {1, 0, limit - used - 1}
end
-- The oldest entry frees first; one still in flight (scored in the future) at the earliest
-- one window from now: a lower bound, never an overestimate.
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, math.min(tonumber(oldest[2]), now) + window - now), 0}
`;

/**
 * KEYS[1] log; ARGV: call id, after ms → 1. The call settled: its window starts now (plus
 * `after`). `XX`: an entry that already left the log is not added back.
 */
export const RELEASE_RATE_SLOT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

/** KEYS[1] pause; ARGV[1] ms → 1. Extends a pause, never shortens one. */
export const PAUSE_RATE_LIMIT = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;
