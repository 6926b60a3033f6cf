-- wrk scenario: OAuth 2.0 token introspection (RFC 7662) by a confidential client that authenticates
-- with HTTP Basic (client_secret_basic). The tokens (access tokens, one per line, each of its own
-- user session, many more than connections) come from TOKENS_FILE and are presented in turn, round
-- robin; introspection spends nothing, so the pool never shrinks.
-- env: AUTHORIZATION (the whole header value, "Basic ..."), TOKENS_FILE.
-- Counts answers: wrk's own "Non-2xx" line, and done() prints "Not active: N" for 2xx answers without
-- "active": true (an expired, unknown or unchecked token answers 200 {"active": false} fast, which must
-- not pass for throughput).
local authorization = os.getenv("AUTHORIZATION") or error("introspect.lua: AUTHORIZATION is not set")
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args)
  inactive = 0
  reqs = {}
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    if #line > 0 then
      table.insert(reqs, wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded",
        ["Authorization"] = authorization}, "token=" .. line:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)))
    end
  end
  if #reqs == 0 then error("introspect.lua: no tokens in TOKENS_FILE") end
  n = 0
end
request = function()
  n = n % #reqs + 1
  return reqs[n]
end
response = function(status, headers, body)
  if status >= 200 and status < 300 and not string.find(body, '"active"%s*:%s*true', 1) then
    inactive = inactive + 1
  end
end
done = function(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("inactive") or 0) end
  io.write(string.format("Not active: %d\n", n))
end
