-- Feature freshness after one applied batch (the last step of its pipeline): lastEventAt = the newest event time
-- ever applied, lastAppliedAt = now. A duplicate in the batch cannot move lastEventAt: it was counted when first applied.
-- KEYS: 1 freshness HASH
-- ARGV: 1 the batch's newest event epoch ms, 2 now epoch ms
local last = tonumber(redis.call('HGET', KEYS[1], 'lastEventAt') or '0')
if tonumber(ARGV[1]) > last then
  redis.call('HSET', KEYS[1], 'lastEventAt', ARGV[1])
end
redis.call('HSET', KEYS[1], 'lastAppliedAt', ARGV[2])
return 1
