-- KEYS: stream, dead, attempts, lease. ARGV: group, entry id, maxlen, owner ('' = any),
-- then the dead letter's field/value pairs. Moves only an entry that is still pending, and
-- only for the lease's holder: a worker that lost the shard leaves the entry to the new owner.
if ARGV[4] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[4] then return -1 end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
redis.call('HDEL', KEYS[3], ARGV[2])
return id
