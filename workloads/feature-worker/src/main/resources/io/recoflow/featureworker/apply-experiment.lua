-- Counts one event for the A/B experiment the worker follows (RedisKeys rf:x:<experiment>:*). Users are the unit:
-- a user is exposed once, under the variant of its first impression, and counted at most once as clicked and once
-- as converted; the click sums are per user (clicks, clicks squared), for a clicks-per-user mean and variance.
-- Every step is idempotent on redelivery: exposure and conversion are per-user flags, first/last are min/max, and a
-- click is counted once per eventId (its marker). Atomic, so replicas and restarts never count a user twice.
-- KEYS: 1 variant HASH, 2 first HASH, 3 last HASH, 4 clicks HASH, 5 converted HASH, 6 counts HASH,
--       7 the click's seen marker (unused for other kinds)
-- ARGV: 1 kind (impression|click|purchase), 2 userId, 3 event epoch ms, 4 variant (an impression's own; for a click
--       or purchase the user's assignment by the worker's copy of the file), 5 attribution window ms,
--       6 experiment TTL s, 7 dedup TTL s
-- Returns 0: nothing counted (or a repeated impression), 1: counted, 2: counted under the exposure's variant, which
-- differs from ARGV[4] (the counts stay by exposure; see Experiments).
local user = ARGV[2]
local ts = tonumber(ARGV[3])

local function touch()
  for i = 1, 6 do
    redis.call('EXPIRE', KEYS[i], ARGV[6])
  end
end

local exposed = redis.call('HGET', KEYS[1], user)

if ARGV[1] == 'impression' then
  if not exposed then
    redis.call('HSET', KEYS[1], user, ARGV[4])
    redis.call('HSET', KEYS[2], user, ARGV[3])
    redis.call('HSET', KEYS[3], user, ARGV[3])
    redis.call('HINCRBY', KEYS[6], ARGV[4] .. ':exposed', 1)
    touch()
    return 1
  end
  -- a replayed or reordered impression may move either end of the exposure
  if ts < tonumber(redis.call('HGET', KEYS[2], user)) then
    redis.call('HSET', KEYS[2], user, ARGV[3])
  end
  if ts > tonumber(redis.call('HGET', KEYS[3], user)) then
    redis.call('HSET', KEYS[3], user, ARGV[3])
  end
  touch()
  if exposed ~= ARGV[4] then
    return 2
  end
  return 0
end

-- clicks and purchases count only for an exposed user, at or after its first exposure
if not exposed or ts < tonumber(redis.call('HGET', KEYS[2], user)) then
  return 0
end
local result = 1
if exposed ~= ARGV[4] then
  result = 2
end

if ARGV[1] == 'click' then
  if not redis.call('SET', KEYS[7], '1', 'NX', 'EX', ARGV[7]) then
    return 0
  end
  local c = redis.call('HINCRBY', KEYS[4], user, 1)
  if c == 1 then
    redis.call('HINCRBY', KEYS[6], exposed .. ':clicked', 1)
  end
  redis.call('HINCRBY', KEYS[6], exposed .. ':clicks', 1)
  -- c^2 - (c-1)^2: the sum over users of clicks squared, kept exact as each click arrives
  redis.call('HINCRBY', KEYS[6], exposed .. ':clicks_squared', 2 * c - 1)
  touch()
  return result
end

-- purchase: inside [first exposure, last impression + attribution window]
if ts > tonumber(redis.call('HGET', KEYS[3], user)) + tonumber(ARGV[5]) then
  return 0
end
if redis.call('HSETNX', KEYS[5], user, '1') == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[6], exposed .. ':converted', 1)
touch()
return result
