-- Extend the lease only if we still hold it (a worker that lost it must not steal it back).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
