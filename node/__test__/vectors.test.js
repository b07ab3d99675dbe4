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

// --- events: key rotation and notification parsing ---

test('webhook_key_rotation.json: verifyWebhookSignature with an array of keys', async (t) => {
  const file = vectors('webhook_key_rotation')
  assert.ok(file.cases.length > 0)
  for (const c of file.cases) {
    await t.test(c.name, () => {
      for (const body of [c.body, Buffer.from(c.body, 'utf8')]) {
        if (c.valid) {
          assert.equal(ea.verifyWebhookSignature(c.keys, body, c.header), undefined)
          continue
        }
        const err = thrown(() => ea.verifyWebhookSignature(c.keys, body, c.header))
        assert.ok(err instanceof ea.ElementsAuthError)
        assert.equal(err.kind, c.kind)
        // camelCase in Node: signature_keys[1] -> signatureKeys[1]
        assert.equal(err.field, c.field === undefined ? null : c.field.replace(/_([a-z])/g, (_, l) => l.toUpperCase()))
        for (const key of c.keys) assert.ok(!key || !err.message.includes(key))
      }
    })
  }
})

test('event_notifications.json: parseEventNotification', async (t) => {
  const file = vectors('event_notifications')
  assert.ok(file.cases.length > 0)
  for (const c of file.cases) {
    await t.test(c.name, () => {
      for (const body of [c.body, Buffer.from(c.body, 'utf8')]) {
        if (c.expect.error) {
          const err = thrown(() => ea.parseEventNotification(body))
          assert.ok(err instanceof ea.ElementsAuthError)
          assert.equal(err.kind, c.expect.error.kind)
          assert.equal(err.code, 'DECODE')
          continue
        }
        const ok = c.expect.ok
        const n = ea.parseEventNotification(body)
        assert.equal(n.eventId, ok.event_id)
        assert.equal(n.instanceId, ok.instance_id)
        assert.equal(n.notificationId, ok.notification_id)
        assert.deepEqual(n.raw, JSON.parse(c.body))
        assert.deepEqual(n.events.map((e) => ({
          element_key: e.elementKey,
          object_type: e.objectType,
          object_id: e.objectId,
          event_type: e.eventType,
          date: e.date === undefined ? null : e.date,
        })), ok.events)
        assert.deepEqual(n.events.map((e) => e.raw), JSON.parse(c.body).response.events)
      }
    })
  }
})
