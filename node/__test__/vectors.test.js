'use strict'
// Every case of the shared tests/vectors files, through this binding.
const test = require('node:test')
const assert = require('node:assert/strict')
const { ea, vectors, setup, thrown } = require('./helpers')

test('callbacks.json: parseCallback', async (t) => {
  const file = vectors('callbacks')
  assert.ok(file.cases.length > 0)
  for (const c of file.cases) {
    await t.test(c.name, () => {
      if (c.expect.ok) {
        const grant = ea.parseCallback(c.callback, c.expected_state)
        assert.ok(grant instanceof ea.Grant)
        assert.equal(grant.code, c.expect.ok.code)
        assert.equal(grant.state, c.expect.ok.state)
        return
      }
      const want = c.expect.error
      const err = thrown(() => ea.parseCallback(c.callback, c.expected_state))
      assert.ok(err instanceof ea.ElementsAuthError, String(err))
      assert.equal(err.kind, want.kind)
      assert.equal(err.code, want.kind.toUpperCase())
      if (want.kind === 'authorization_denied') {
        assert.equal(err.error, want.error)
        assert.equal(err.description, want.description)
        assert.equal(err.uri, want.uri)
      }
      if (want.field !== undefined) {
        // camelCase in Node: expected_state -> expectedState
        assert.equal(err.field, want.field.replace(/_([a-z])/g, (_, l) => l.toUpperCase()))
      }
    })
  }
})

test('webhook_signatures.json: verifyWebhookSignature', async (t) => {
  const file = vectors('webhook_signatures')
  assert.ok(file.cases.length > 0)
  for (const c of file.cases) {
    await t.test(c.name, () => {
      for (const body of [c.body, Buffer.from(c.body, 'utf8')]) {
        if (c.valid) {
          assert.equal(ea.verifyWebhookSignature(c.key, body, c.header), undefined)
        } else {
          const err = thrown(() => ea.verifyWebhookSignature(c.key, body, c.header))
          assert.ok(err instanceof ea.ElementsAuthError)
          assert.equal(err.kind, c.kind)
          assert.equal(err.code, c.kind.toUpperCase())
        }
      }
    })
  }
})

test('query_encoding.json: oauthUrl sends exactly the expected raw query', async (t) => {
  const file = vectors('query_encoding')
  assert.ok(file.cases.length > 0)
  const { sandbox, client, stop } = setup()
  t.after(stop)
  for (const c of file.cases) {
    await t.test(c.name, async () => {
      const r = c.request
      const before = sandbox.requests().length
      const url = await client.oauthUrl({
        element: r.element,
        apiKey: r.api_key,
        apiSecret: r.api_secret,
        callbackUrl: r.callback_url,
        siteAddress: r.site_address,
        state: r.state,
        scope: r.scope,
        params: r.params,
      })
      const sent = sandbox.requests().slice(before)
      assert.equal(sent.length, 1)
      assert.equal(sent[0].method, 'GET')
      assert.equal(sent[0].path, `/elements/api-v2/elements/${r.element}/oauth/url`)
      assert.equal(sent[0].rawQuery, c.expected_query)
      assert.equal(url.state, r.state)
      assert.equal(url.element, r.element)
    })
  }
})
