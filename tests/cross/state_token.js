'use strict'
// The Node side of the cross-language state token test (see state_token.rs in core/examples).
const { StateSigner } = require(process.env.ELEMENTS_AUTH_NODE || '../../node')

function main([cmd, keyId, secret, ...rest]) {
  if (cmd === 'sign') {
    const [element, subject] = rest
    return new StateSigner({ keyId, secret }).sign(element, subject)
  }
  const [state, subject, previousId, previousSecret] = rest
  const previous = previousId ? [{ keyId: previousId, secret: previousSecret }] : []
  const signer = new StateSigner({ keyId, secret, previous })
  try {
    const c = signer.verify(state, subject)
    return JSON.stringify({ element: c.element, key_id: c.keyId, issued_at: c.issuedAt, expires_at: c.expiresAt })
  } catch (e) {
    if (e.code === 'INVALID_INPUT') throw e
    return JSON.stringify({ error: { kind: e.kind, mismatch: e.mismatch } })
  }
}

console.log(main(process.argv.slice(2)))
