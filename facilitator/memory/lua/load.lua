-- KEYS: state hash, seen zset, then the parts. ARGV: the version this worker holds ('' for
-- none), then event ids. Returns {version, core or false, fmt or false, {1|0 per id seen},
-- then each part's items when the room is stored in parts}. The room travels only when the
-- held version is not the current one.
local ver = redis.call('HGET', KEYS[1], 'ver') or ''
local seen = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) then seen[i - 1] = 1 else seen[i - 1] = 0 end
end
if ver == ARGV[1] then return {ver, false, false, seen} end
local got = redis.call('HMGET', KEYS[1], 'state', 'fmt')
local out = {ver, got[1], got[2], seen}
if got[1] and got[2] then
  for k = 3, #KEYS do out[#out + 1] = redis.call('LRANGE', KEYS[k], 0, -1) end
end
return out
