-- Counts one event for the A/B experiment the worker follows (RedisKeys rf:x:<experiment>:*). Users are the unit:
-- a user is exposed once, under the variant of its first impression, and counted at most once as clicked and once
-- as converted; the click sums are per user (clicks, clicks squared), for a clicks-per-user mean and variance.
-- Every step is idempotent on redelivery: exposure and conversion are per-user flags, first/last are min/max, and a
-- click is counted once per eventId (its marker). Atomic, so replicas and restarts never count a user twice.
-- A click or purchase of a user with no impression yet is kept (KEYS[8], capped, with a TTL) and counted when the
-- first impression arrives: impressions leave the service through a queue, so the click on a shown item can reach
-- Kafka, and the worker, first.
-- KEYS: 1 variant HASH, 2 first HASH, 3 last HASH, 4 clicks HASH, 5 converted HASH, 6 counts HASH,
--       7 the click's seen marker (unused for other kinds), 8 the user's pending LIST
-- ARGV: 1 kind (impression|click|purchase), 2 userId, 3 event epoch ms, 4 variant (an impression's own; for a click
--       or purchase the user's assignment by the worker's copy of the file), 5 attribution window ms,
--       6 experiment TTL s, 7 dedup TTL s, 8 pending cap, 9 pending TTL s
-- Returns 0: nothing counted (or a repeated impression), 1: counted, 2: counted under the exposure's variant, which
-- differs from ARGV[4] (the counts stay by exposure; see Experiments), 3: kept until the user's first impression.
local user = ARGV[2]
local ts = tonumber(ARGV[3])
local window = tonumber(ARGV[5])

local function touch()
  for i = 1, 6 do
    redis.call('EXPIRE', KEYS[i], ARGV[6])
  end
end

local function click(variant)
  local c = redis.call('HINCRBY', KEYS[4], user, 1)
  if c == 1 then
    redis.call('HINCRBY', KEYS[6], variant .. ':clicked', 1)
  end
  redis.call('HINCRBY', KEYS[6], variant .. ':clicks', 1)
  -- c^2 - (c-1)^2: the sum over users of clicks squared, kept exact as each click arrives
  redis.call('HINCRBY', KEYS[6], variant .. ':clicks_squared', 2 * c - 1)
end

-- inside [first exposure, last impression + attribution window]; 1 when newly converted
local function purchase(variant, at)
  if at < tonumber(redis.call('HGET', KEYS[2], user))
      or at > tonumber(redis.call('HGET', KEYS[3], user)) + window then
    return 0
  end
  if redis.call('HSETNX', KEYS[5], user, '1') == 0 then
    return 0
  end
  redis.call('HINCRBY', KEYS[6], variant .. ':converted', 1)
  return 1
end

local exposed = redis.call('HGET', KEYS[1], user)

if ARGV[1] == 'impression' then
  if not exposed then
    redis.call('HSET', KEYS[1], user, ARGV[4])
    redis.call('HSET', KEYS[2], user, ARGV[3])
    redis.call('HSET', KEYS[3], user, ARGV[3])
    redis.call('HINCRBY', KEYS[6], ARGV[4] .. ':exposed', 1)
    -- what the user did before this impression reached us, at or after the impression itself
    for _, e in ipairs(redis.call('LRANGE', KEYS[8], 0, -1)) do
      local sep = string.find(e, '|', 1, true)
      local kind = string.sub(e, 1, sep - 1)
      local at = tonumber(string.sub(e, sep + 1))
      if at >= ts then
        if kind == 'click' then
          click(ARGV[4])
        else
          purchase(ARGV[4], at)
        end
      end
    end
    redis.call('DEL', KEYS[8])
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

if not exposed then
  -- a click is kept once per eventId, like a counted one
  if ARGV[1] == 'click' and not redis.call('SET', KEYS[7], '1', 'NX', 'EX', ARGV[7]) then
    return 0
  end
  redis.call('RPUSH', KEYS[8], ARGV[1] .. '|' .. ARGV[3])
  redis.call('LTRIM', KEYS[8], -tonumber(ARGV[8]), -1)
  redis.call('EXPIRE', KEYS[8], ARGV[9])
  return 3
end

-- clicks and purchases count only at or after the user's first exposure
if ts < tonumber(redis.call('HGET', KEYS[2], user)) then
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
  click(exposed)
  touch()
  return result
end

if purchase(exposed, ts) == 0 then
  return 0
end
touch()
return result
