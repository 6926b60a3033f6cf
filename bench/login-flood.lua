-- wrk scenario: a password-guessing flood from one source: wrong passwords for random usernames
-- (each costs a hash, known user or not). With XFF_PREFIX (e.g. 2001:db8:66:1) every request claims
-- another address of that IPv6 /64 in X-Forwarded-For (the service must trust the sender as a proxy).
local prefix = os.getenv("XFF_PREFIX")
math.randomseed(os.time())
request = function()
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  if prefix then
    headers["X-Forwarded-For"] = string.format("%s:%x:%x:%x:%x", prefix, math.random(0, 65535),
      math.random(0, 65535), math.random(0, 65535), math.random(1, 65535))
  end
  local body = "grant_type=password&client_id=web&username=victim" .. math.random(1, 1000000) .. "&password=wrong-guess"
  return wrk.format("POST", "/oauth2/token", headers, body)
end
