'use strict'
// The Node soak: CALLS calls against an embedded sandbox (a mix of oauthUrl,
// create, get, delete and errors, sync and Promise) after a warm-up,
// reporting the process's RSS before and after as one JSON line.
//   node soak.js [calls] [warmup]      (defaults 100000 and 20000)
const ea = require(process.env.ELEMENTS_AUTH_NODE || 'elements-auth')

const CALLBACK = 'https://app.example.com/cb'

async function round(client, sandbox) {
  const url = await client.oauthUrl({ element: 'dropbox', apiKey: 'soak-app', apiSecret: 'soak-secret', callbackUrl: CALLBACK })
  const grant = ea.parseCallback(sandbox.approve(url.oauthUrl), url.state)
  const instance = await client.createInstance({ element: 'dropbox', code: grant.code, name: 'soak', apiKey: 'soak-app', apiSecret: 'soak-secret', callbackUrl: CALLBACK, tags: ['soak'] })
  client.getInstanceSync(instance.id)
  client.deleteInstanceSync(instance.id)
  try {
    await client.getInstance(instance.id)
    throw new Error('a deleted instance was found')
  } catch (e) {
    if (e.code !== 'API') throw e
  }
  try {
    client.oauthUrlSync({ element: 'dropbox', apiKey: '', apiSecret: 'soak-secret', callbackUrl: CALLBACK })
    throw new Error('an empty api key was sent')
  } catch (e) {
    if (e.code !== 'INVALID_INPUT') throw e
  }
  return 6
}

async function main() {
  const calls = Number(process.argv[2] || 100000)
  const warmup = Number(process.argv[3] || 20000)
  const sandbox = ea.Sandbox.start({ codeTtlMs: 100, requestLogLimit: 100 })
  const client = sandbox.client({ maxRetries: 0 })
  let done = 0
  while (done < warmup) done += await round(client, sandbox)
  if (global.gc) global.gc()
  const before = Math.round(process.memoryUsage().rss / 1024)
  const started = process.hrtime.bigint()
  done = 0
  while (done < calls) done += await round(client, sandbox)
  if (global.gc) global.gc()
  const after = Math.round(process.memoryUsage().rss / 1024)
  sandbox.stop()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  console.log(JSON.stringify({ language: 'node', calls: done, seconds: Math.round(seconds * 10) / 10, rss_start_kib: before, rss_end_kib: after, rss_growth_kib: after - before }))
}

main().catch((e) => { console.error(e); process.exit(1) })
