'use strict'
// The Node side of make bench: this SDK (Promise or sync) or a well-known
// client making the same exchange, many times over one keep-alive
// connection; prints one JSON line {client, op, calls, p50_us, p99_us, calls_per_s}.
//   node bench.js <ea-promise|ea-sync|fetch|node:http> <oauth_url|create_instance> <base_url> <calls> <warmup>
// With BENCH_TURN_IN and BENCH_TURN_OUT (two FIFOs) it takes turns with
// another bench process, BENCH_BLOCK calls (default 200) per turn.
const [client, op, base, callsS, warmupS] = process.argv.slice(2)
const calls = Number(callsS)
const warmup = Number(warmupS)
const CALLBACK = 'https://app.example.com/cb'
const QUERY = 'apiKey=bench-client&apiSecret=bench-secret&callbackUrl=https%3A%2F%2Fapp.example.com%2Fcb&siteAddress=https%3A%2F%2Fwww.concursolutions.com&state=fixed-state'
const BODY = '{"element":{"key":"concur"},"providerData":{"code":"code-123"},"configuration":{"oauth.api.key":"bench-client","oauth.api.secret":"bench-secret","oauth.callback.url":"https://app.example.com/cb","filter.response.nulls":"true","event.notification.enabled":"false"},"tags":["bench"],"name":"bench"}'
const AUTH = 'User bench-user-secret, Organization bench-org-secret'
const create = op === 'create_instance'

function make() {
  if (client.startsWith('ea-')) {
    const ea = require(process.env.ELEMENTS_AUTH_NODE || 'elements-auth')
    const c = new ea.Client({ baseUrl: base, userSecret: 'bench-user-secret', organizationSecret: 'bench-org-secret' })
    const req = create
      ? { element: 'concur', code: 'code-123', name: 'bench', apiKey: 'bench-client', apiSecret: 'bench-secret', callbackUrl: CALLBACK, tags: ['bench'] }
      : { element: 'concur', apiKey: 'bench-client', apiSecret: 'bench-secret', callbackUrl: CALLBACK, siteAddress: 'https://www.concursolutions.com' }
    if (client === 'ea-sync') return create ? () => c.createInstanceSync(req) : () => c.oauthUrlSync(req)
    return create ? () => c.createInstance(req) : () => c.oauthUrl(req)
  }
  const url = create ? `${base}/instances` : `${base}/elements/concur/oauth/url?${QUERY}`
  const headers = { Accept: 'application/json' }
  if (create) Object.assign(headers, { Authorization: AUTH, 'Content-Type': 'application/json' })
  if (client === 'fetch') {
    return async () => (await fetch(url, { method: create ? 'POST' : 'GET', headers, body: create ? BODY : undefined })).json()
  }
  const http = require('node:http')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const target = new URL(url)
  return () => new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: create ? 'POST' : 'GET', headers, agent }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks))))
    })
    req.on('error', reject)
    req.end(create ? BODY : undefined)
  })
}

// The turn-taking with another bench process, when the FIFOs are given.
function turns() {
  const fs = require('node:fs')
  const { BENCH_TURN_IN: input, BENCH_TURN_OUT: output, BENCH_BLOCK: block } = process.env
  if (!input || !output) return { block: calls, wait() {}, pass() {} }
  const [fin, fout] = [input, output].map((p) => fs.openSync(p, 'r+'))
  const byte = Buffer.alloc(1)
  return {
    block: Math.max(1, Number(block || 200)),
    wait: () => fs.readSync(fin, byte, 0, 1, null),
    pass: () => fs.writeSync(fout, 't'),
  }
}

async function main() {
  const call = make()
  const turn = turns()
  const once = async () => { const r = call(); if (r && typeof r.then === 'function') await r }
  turn.wait()
  for (let i = 0; i < warmup; i++) await once()
  turn.pass()
  const times = new Float64Array(calls)
  let total = 0
  for (let i = 0; i < calls;) {
    turn.wait()
    for (const end = Math.min(calls, i + turn.block); i < end; i++) {
      const t = process.hrtime.bigint()
      const r = call()
      if (r && typeof r.then === 'function') await r
      times[i] = Number(process.hrtime.bigint() - t) / 1000
      total += times[i]
    }
    turn.pass()
  }
  times.sort()
  console.log(JSON.stringify({ client, op, calls, p50_us: times[calls >> 1], p99_us: times[Math.floor(calls * 0.99)], calls_per_s: calls / (total / 1e6) }))
}

main().catch((e) => { console.error(e); process.exit(1) })
