/**
 * The Lua scripts behind `ZumRailsRedisTokenStore`. Each touches one key, so they are atomic and work
 * on Redis Cluster too. Redis returns `false` for a missing key inside Lua.
 */

/** KEYS[1] → `nil`, or `{value, pttl}` read atomically (`pttl` is −1 without an expiry). */
export const GET_WITH_TTL = `
local value = redis.call('GET', KEYS[1])
if not value then return nil end
return {value, redis.call('PTTL', KEYS[1])}
`;

/**
 * KEYS[1]; ARGV: mode ('absent' | 'equals'), expected, value, ttl ms → 1 when written.
 * Compare-and-set: write only over the value the caller saw.
 */
export const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
local matches = (ARGV[1] == 'absent' and not current) or (ARGV[1] == 'equals' and current == ARGV[2])
if not matches then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1
`;

/** KEYS[1]; ARGV[1] expected → 1 when deleted. Also releases a lease only for its holder. */
export const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS[1]; ARGV: holder, ttl ms → 1 when taken. `SET NX PX`. */
export const ACQUIRE_LEASE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;
