-- wrk scenario: OAuth 2.0 client_credentials grant (RFC 6749 §4.4), a confidential client that
-- authenticates with HTTP Basic (client_secret_basic). Every request asks for a new access token.
-- env: AUTHORIZATION, the whole header value: "Basic " .. base64(urlencode(id) .. ":" .. urlencode(secret))
-- Counts answers: wrk's own "Non-2xx" line, and done() prints "Without access_token: N" for 200
-- answers that carry no access token (a fast failure must not pass for throughput).
local authorization = os.getenv("AUTHORIZATION") or error("client-credentials.lua: AUTHORIZATION is not set")
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args)
  tokenless = 0
  req = wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = authorization}, "grant_type=client_credentials")
end
request = function() return req end
response = function(status, headers, body)
  if status == 200 and not string.find(body, '"access_token"%s*:%s*"', 1) then tokenless = tokenless + 1 end
end
done = function(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("tokenless") or 0) end
  io.write(string.format("Without access_token: %d\n", n))
end
