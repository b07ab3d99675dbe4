-- wrk: GET oauth/url for dropbox with a fresh state each time (the sandbox
-- echoes it), so every request does what a real step 1 does.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/elements/api-v2/elements/dropbox/oauth/url?apiKey=wrk-app&apiSecret=wrk-secret&callbackUrl=https%3A%2F%2Fapp.example.com%2Fcb&state=s" .. n)
end
