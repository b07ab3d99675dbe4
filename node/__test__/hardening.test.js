'use strict'
// Regression tests of the security review's findings that Node users meet
// (../shared/research/security-audit.md); each fails on the reviewed commit
// 5339e2f. F11 runs through the shared callback vectors (vectors.test.js).
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const util = require('node:util')
const { ea, setup, concurGrant, concurCreate, rejection, thrown, CALLBACK, API_KEY, API_SECRET, SITE } = require('./helpers')

test('f03: an oauthUrl without the state sent is refused', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  sandbox.injectFault('nostate', 1)
  const err = await rejection(client.oauthUrl({ element: 'concur', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, siteAddress: SITE }))
  assert.equal(err.code, 'DECODE')
  assert.match(err.message, /state/)
})

test('f04: a create that may have happened is not retryable', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const slow = sandbox.client({ timeoutMs: 300, maxRetries: 0 })
  for (const [fault, code] of [['slow:1500', 'TIMEOUT'], ['status:503', 'API'], ['drop', 'TRANSPORT']]) {
    const grant = await concurGrant(sandbox, client)
    sandbox.injectFault(fault, 1)
    const err = await rejection(slow.createInstance(concurCreate(grant.code)))
    sandbox.clearFaults()
    assert.equal(err.code, code, fault)
    assert.equal(err.retryable, false, fault)
    assert.equal(err.mayHaveReachedServer, true, fault)
  }
})

test('f06: inspect and JSON of an instance never show raw, where a platform may echo secrets', async (t) => {
  const echoed = { id: 5, token: 'tok-9f8e7d6c', name: 'n', element: { key: 'concur' },
    configuration: { 'oauth.api.secret': 'API-SECRET-4444', 'event.notification.signature.key': 'SIG-KEY-5555' },
    nested: { token: 'NESTED-TOKEN-6666' } }
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => { res.setHeader('Content-Type', 'application/json'); res.end(JSON.stringify(echoed)) })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const client = new ea.Client({ baseUrl: `http://127.0.0.1:${server.address().port}/elements/api-v2`, userSecret: 'user-secret-1', organizationSecret: 'org-secret-2' })
  const instance = await client.createInstance({ element: 'concur', code: 'c0de-1', name: 'n', apiKey: API_KEY, apiSecret: 'API-SECRET-4444', callbackUrl: CALLBACK })
  const shown = [util.inspect(instance, { depth: Infinity }), JSON.stringify(instance), String(instance)]
  for (const out of shown) {
    for (const secret of ['API-SECRET-4444', 'SIG-KEY-5555', 'NESTED-TOKEN-6666', 'tok-9f8e7d6c']) {
      assert.ok(!out.includes(secret), `${secret} in ${out}`)
    }
  }
  assert.equal(instance.raw.nested.token, 'NESTED-TOKEN-6666', 'raw itself is the answer as sent')
})

test('f07: huge durations are an input error, not a crash', () => {
  const err = thrown(() => new ea.Client({ timeoutMs: 1e30 }))
  assert.equal(err.code, 'INVALID_INPUT')
  assert.equal(err.field, 'timeoutMs')
  const sandbox = ea.Sandbox.start({ codeTtlMs: 1e19 })
  try {
    assert.ok(sandbox.baseUrl.startsWith('http://127.0.0.1:'))
  } finally {
    sandbox.stop()
  }
})

test('f08: a secret that cannot go in a header is refused at once', () => {
  for (const secret of ['ends-with-newline\n', 'sécret', 'two words']) {
    const err = thrown(() => new ea.Client({ userSecret: secret }))
    assert.equal(err.code, 'INVALID_INPUT')
    assert.equal(err.field, 'userSecret')
    assert.ok(!err.message.includes(secret.trim()))
  }
})

test('f13: a base URL with credentials is refused and never shown', () => {
  const err = thrown(() => new ea.Client({ baseUrl: 'http://alice:hunter2-pw@127.0.0.1:1/elements/api-v2' }))
  assert.equal(err.code, 'INVALID_INPUT')
  assert.equal(err.field, 'baseUrl')
  assert.ok(!err.message.includes('hunter2'))
})

test('f14: an unreadable answer to a create says the instance exists', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const grant = await concurGrant(sandbox, client)
  sandbox.injectFault('truncated', 1)
  const err = await rejection(client.createInstance(concurCreate(grant.code)))
  assert.equal(err.code, 'DECODE')
  assert.equal(err.mayHaveReachedServer, true)
  assert.equal(err.retryable, false)
  assert.match(err.message, /the instance was created.*listInstances\(\)/)
  assert.equal(sandbox.instances().length, 1)
})
