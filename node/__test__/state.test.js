'use strict'
// StateSigner: the shared state vectors, a sign-in with a rotated key against
// the sandbox, argument errors, and what util.inspect shows.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { ea, vectors, setup, thrown, CALLBACK, API_KEY, API_SECRET } = require('./helpers')

const doc = vectors('state_tokens')
const SECRET = 'node-test-state-secret-0123456789abcdef'
const OLD_SECRET = Buffer.from('node-test-old-state-secret-0123456789ab', 'utf8')
const camel = (s) => s.replace(/_([a-z])/g, (_, l) => l.toUpperCase())

/** The signer a vector case describes. */
function signerOf(c) {
  const s = c.signer
  return new ea.StateSigner({
    keyId: s.key,
    secret: doc.keys[s.key],
    ttlSeconds: s.ttl,
    previous: (s.previous || []).map((id) => ({ keyId: id, secret: Buffer.from(doc.keys[id], 'utf8') })),
  })
}

function checkError(err, want) {
  assert.ok(err instanceof ea.ElementsAuthError, String(err))
  assert.equal(err.kind, want.kind, err.message)
  assert.equal(err.code, want.kind.toUpperCase())
  if (want.mismatch !== undefined) assert.equal(err.mismatch, want.mismatch, err.message)
  if (want.field !== undefined) assert.equal(err.field, camel(want.field), err.message)
}

test('state_tokens.json: sign and verify at a fixed time', async (t) => {
  assert.ok(doc.cases.length >= 25)
  for (const c of doc.cases) {
    await t.test(c.name, () => {
      if (!c.sign && !c.verify) {
        checkError(thrown(() => signerOf(c)), c.expect.error)
        return
      }
      const signer = signerOf(c)
      if (c.sign) {
        const s = c.sign
        assert.equal(signer.signForTest(s.element, s.subject, s.issued_at, Buffer.from(s.nonce, 'hex')), c.token)
      }
      const v = c.verify
      if (c.expect.ok) {
        const ok = c.expect.ok
        assert.deepEqual(signer.verifyForTest(v.state, v.subject, v.now), {
          element: ok.element, keyId: ok.key_id, issuedAt: ok.issued_at, expiresAt: ok.expires_at,
        })
      } else {
        checkError(thrown(() => signer.verifyForTest(v.state, v.subject, v.now)), c.expect.error)
      }
    })
  }
})

test('a sign-in started before a rotation completes after it; a removed key fails', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const before = new ea.StateSigner({ keyId: 'k1', secret: OLD_SECRET })
  const after = new ea.StateSigner({ keyId: 'k2', secret: SECRET, previous: [{ keyId: 'k1', secret: OLD_SECRET }] })
  const removed = new ea.StateSigner({ keyId: 'k2', secret: SECRET })
  const landed = async (signer, user) => {
    const url = await client.oauthUrl({
      element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, state: signer.sign('dropbox', user),
    })
    return sandbox.approve(url.oauthUrl)
  }
  const grant = after.parseCallback(await landed(before, 'user-7'), 'user-7')
  assert.ok(grant instanceof ea.Grant)
  assert.equal(after.verify(grant.state, 'user-7').keyId, 'k1')
  const instance = await client.createInstance({
    element: 'dropbox', code: grant.code, name: 'rotated', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK,
  })
  assert.equal(instance.elementKey, 'dropbox')
  checkError(thrown(() => after.parseCallback(`${CALLBACK}?code=c0de`, 'user-7')), { kind: 'state_mismatch', mismatch: 'missing' })
  const old = await landed(before, 'user-7')
  checkError(thrown(() => removed.parseCallback(old, 'user-7')), { kind: 'state_mismatch', mismatch: 'unknown_key' })
  checkError(thrown(() => after.parseCallback(old, 'user-8')), { kind: 'state_mismatch', mismatch: 'other_subject' })
  assert.equal(sandbox.instances().length, 1)
})

test('bad options name their field and never show the secret', () => {
  for (const [options, field] of [
    [{ keyId: 'k1', secret: 'x'.repeat(31) }, 'secret'],
    [{ keyId: 'k1', secret: 42 }, 'secret'],
    [{ keyId: 'k.1', secret: SECRET }, 'keyId'],
    [{ secret: SECRET }, 'keyId'],
    [{ keyId: 'k1', secret: SECRET, ttlSeconds: 0 }, 'ttlSeconds'],
    [{ keyId: 'k1', secret: SECRET, ttlSeconds: -1 }, 'ttlSeconds'],
    [{ keyId: 'k1', secret: SECRET, ttlSeconds: 1.5 }, 'ttlSeconds'],
    [{ keyId: 'k1', secret: SECRET, previous: [{ keyId: 'k0', secret: 'short' }] }, 'previous.secret'],
    [{ keyId: 'k1', secret: SECRET, previous: [{ keyId: 'k1', secret: OLD_SECRET }] }, 'previous.keyId'],
    [{ keyId: 'k1', secret: SECRET, previous: [{ keyId: 'k0' }] }, 'previous[0].secret'],
  ]) {
    const err = thrown(() => new ea.StateSigner(options))
    checkError(err, { kind: 'invalid_input' })
    assert.equal(err.field, field, err.message)
    assert.ok(!err.message.includes(SECRET), err.message)
  }
  checkError(thrown(() => new ea.StateSigner()), { kind: 'invalid_input', field: 'options' })
  const signer = new ea.StateSigner({ keyId: 'k1', secret: SECRET })
  checkError(thrown(() => signer.sign('concur', '')), { kind: 'invalid_input', field: 'subject' })
  checkError(thrown(() => signer.sign(7, 'u')), { kind: 'invalid_input', field: 'element' })
})

test('inspect and JSON show the key ids and the ttl, never a secret; errors show no subject', () => {
  const signer = new ea.StateSigner({ keyId: 'k2', secret: SECRET, ttlSeconds: 300, previous: [{ keyId: 'k1', secret: OLD_SECRET }] })
  assert.deepEqual([signer.keyId, signer.previousKeyIds, signer.ttlSeconds], ['k2', ['k1'], 300])
  const shown = util.inspect(signer) + JSON.stringify(signer)
  assert.match(shown, /k2/)
  assert.ok(!shown.includes(SECRET) && !shown.includes(OLD_SECRET.toString()), shown)
  const state = signer.sign('concur', 'alice@example.com')
  assert.ok(state.length < 200 && !state.includes('alice'))
  const err = thrown(() => signer.verify(state, 'bob@example.com'))
  checkError(err, { kind: 'state_mismatch', mismatch: 'other_subject' })
  const text = err.message + util.inspect(err)
  assert.ok(!text.includes('alice') && !text.includes('bob') && !text.includes(SECRET), text)
  assert.deepEqual(Object.keys(signer.verify(state, 'alice@example.com')), ['element', 'keyId', 'issuedAt', 'expiresAt'])
})

test('the test hooks refuse to make or accept a live token', () => {
  const signer = new ea.StateSigner({ keyId: 'k1', secret: SECRET })
  const now = Math.floor(Date.now() / 1000)
  checkError(thrown(() => signer.signForTest('concur', 'u', now, Buffer.alloc(16))), { kind: 'invalid_input', field: 'issued_at' })
  checkError(thrown(() => signer.verifyForTest(signer.sign('concur', 'u'), 'u', now)), { kind: 'invalid_input', field: 'state' })
  const old = signer.signForTest('concur', 'u', now - 3600, Buffer.alloc(16))
  checkError(thrown(() => signer.verify(old, 'u')), { kind: 'state_mismatch', mismatch: 'expired' })
})
