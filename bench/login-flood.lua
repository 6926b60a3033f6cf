-- wrk scenario: a password-guessing flood: wrong passwords for random usernames (each costs a hash,
-- known user or not).
math.randomseed(os.time())
request = function()
  local body = "grant_type=password&client_id=web&username=victim" .. math.random(1, 1000000) .. "&password=wrong-guess"
  return wrk.format("POST", "/oauth2/token", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
