-- KEYS: dead, stream. ARGV: dead letter id, maxlen, then the META field names.
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local meta = {}
for i = 3, #ARGV do meta[ARGV[i]] = true end
local fields, out = found[1][2], {}
for i = 1, #fields, 2 do
  if not meta[fields[i]] then
    out[#out + 1] = fields[i]
    out[#out + 1] = fields[i + 1]
  end
end
if #out == 0 then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(out))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
