-- KEYS: state hash, seen zset, quarantine, then the parts (codec.PARTS order).
-- ARGV: expected version ('' for a new room), ttl seconds ('' keeps the time to live), seen cap,
-- the number of event ids and the ids, then the core ('c' and its JSON, or 'k': unchanged),
-- then per part: 'k' (unchanged), 'w' n items (rewrite), or 'd' old-length trim sets
-- (index value)* pushes items* (delta). Returns the new version, 0 when another writer saved
-- first (or the parts are not what the writer's version had), -1 when the room is quarantined,
-- -2 when one of the event ids was already applied. Everything is checked before anything is
-- written, so a refused save changes nothing.
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local n = tonumber(ARGV[4])
for i = 1, n do
  if redis.call('ZSCORE', KEYS[2], ARGV[4 + i]) then return -2 end
end
local current = redis.call('HGET', KEYS[1], 'ver')
if (current or '') ~= ARGV[1] then return 0 end
local first = 5 + n
local a = first
if ARGV[a] == 'c' then a = a + 2 else a = a + 1 end
-- Check: a delta applies only to the list its writer saw.
for k = 4, #KEYS do
  local mode = ARGV[a]
  if mode == 'w' then
    a = a + 2 + tonumber(ARGV[a + 1])
  elseif mode == 'd' then
    if redis.call('LLEN', KEYS[k]) ~= tonumber(ARGV[a + 1]) then return 0 end
    local sets = tonumber(ARGV[a + 3])
    local i = a + 4 + 2 * sets
    a = i + 1 + tonumber(ARGV[i])
  else
    a = a + 1
  end
end
local ver = tonumber(current or '0') + 1
local function push(key, i, m)
  while m > 0 do
    local c = math.min(m, 1000)
    redis.call('RPUSH', key, unpack(ARGV, i, i + c - 1))
    i = i + c
    m = m - c
  end
  return i
end
a = first
if ARGV[a] == 'c' then
  redis.call('HSET', KEYS[1], 'state', ARGV[a + 1], 'ver', ver, 'fmt', '2')
  a = a + 2
else
  redis.call('HSET', KEYS[1], 'ver', ver)
  a = a + 1
end
for k = 4, #KEYS do
  local key = KEYS[k]
  local mode = ARGV[a]
  if mode == 'w' then
    redis.call('DEL', key)
    a = push(key, a + 2, tonumber(ARGV[a + 1]))
  elseif mode == 'd' then
    local trim = tonumber(ARGV[a + 2])
    if trim > 0 then redis.call('LTRIM', key, trim, -1) end
    local i = a + 4
    for s = 1, tonumber(ARGV[a + 3]) do
      redis.call('LSET', key, ARGV[i], ARGV[i + 1])
      i = i + 2
    end
    a = push(key, i + 1, tonumber(ARGV[i]))
  else
    a = a + 1
  end
end
for i = 1, n do redis.call('ZADD', KEYS[2], ver, ARGV[4 + i]) end
if n > 0 then
  local count = redis.call('ZCARD', KEYS[2])
  local cap = tonumber(ARGV[3])
  if count > cap then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, count - cap - 1) end
end
if ARGV[2] ~= '' then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  for k = 4, #KEYS do redis.call('EXPIRE', KEYS[k], ARGV[2]) end
else
  -- Admin rewrites keep the room's expiry; a part written afresh takes the room's.
  local pttl = redis.call('PTTL', KEYS[1])
  if pttl > 0 then
    for k = 4, #KEYS do redis.call('PEXPIRE', KEYS[k], pttl) end
  end
end
return ver
