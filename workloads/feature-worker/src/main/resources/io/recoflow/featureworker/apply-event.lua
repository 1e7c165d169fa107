-- Applies one event to the online features, exactly once per eventId.
-- The dedup check and every write run in this one script, so Redis applies all of it or none of it
-- (a redelivery after a crash finds either no marker and no writes, or both).
-- KEYS: 1 seen marker, 2 user's recent ZSET, 3 user's purchased SET, 4 popularity bucket ZSET,
--       5 user's purchase-count HASH
-- ARGV: 1 itemId, 2 event epoch ms, 3 engagement 0/1, 4 purchase 0/1, 5 popularity weight,
--       6 bucket EXPIREAT seconds (0 = no popularity), 7 recent cap, 8 user TTL s, 9 dedup TTL s,
--       10 co-visitation window, 11 co-visitation cap, 12 co-visitation key prefix
-- The freshness hash is written once per batch (apply-freshness.lua), not here: three calls per event less.
-- Co-visitation keys are derived from the recent items, not declared in KEYS: this needs a non-cluster Redis.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end

local item = ARGV[1]
local ts = ARGV[2]

local function covisit(key, member, cap)
  -- only a new member (score now 1) can push the set over its cap
  if tonumber(redis.call('ZINCRBY', key, 1, member)) == 1 and redis.call('ZCARD', key) > cap then
    redis.call('ZREMRANGEBYRANK', key, 0, -(cap + 1))
  end
end

if ARGV[3] == '1' then
  local window = tonumber(ARGV[10])
  if window > 0 then
    local cap = tonumber(ARGV[11])
    -- one extra in case the item itself is among the newest
    local others = redis.call('ZREVRANGE', KEYS[2], 0, window)
    local n = 0
    for _, other in ipairs(others) do
      if other ~= item and n < window then
        n = n + 1
        covisit(ARGV[12] .. item, other, cap)
        covisit(ARGV[12] .. other, item, cap)
      end
    end
  end
  -- only a new member can push the set over its cap
  local recentCap = tonumber(ARGV[7])
  if redis.call('ZADD', KEYS[2], 'GT', ts, item) == 1 and redis.call('ZCARD', KEYS[2]) > recentCap then
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(recentCap + 1))
  end
  redis.call('EXPIRE', KEYS[2], ARGV[8])
end

if ARGV[4] == '1' then
  redis.call('SADD', KEYS[3], item)
  redis.call('EXPIRE', KEYS[3], ARGV[8])
  redis.call('HINCRBY', KEYS[5], item, 1)
  redis.call('EXPIRE', KEYS[5], ARGV[8])
end

if ARGV[6] ~= '0' then
  redis.call('ZINCRBY', KEYS[4], ARGV[5], item)
  redis.call('EXPIREAT', KEYS[4], ARGV[6])
end

redis.call('SET', KEYS[1], '1', 'EX', ARGV[9])
return 1
