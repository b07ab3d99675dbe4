// A typed use of StateSigner in a web service's two routes, checked with
// `tsc --strict --noEmit` (scripts/test-node.sh); examples/web/node is the
// whole Express app.
import { Client, StateSigner, ElementsAuthError } from 'elements-auth'
import type { Grant, OAuthUrl, StateClaims, StateSignerOptions } from 'elements-auth'

const options: StateSignerOptions = {
  keyId: 'k2026',
  secret: Buffer.from(process.env.STATE_SECRET ?? '', 'base64'),
  ttlSeconds: 600,
  previous: [{ keyId: 'k2025', secret: process.env.OLD_STATE_SECRET ?? '' }],
}
const signer: StateSigner = new StateSigner(options)
const keys: [string, string[], number] = [signer.keyId, signer.previousKeyIds, signer.ttlSeconds]

/** GET /connect/:element: where to send the signed-in user. */
export async function connect(client: Client, element: string, userId: string): Promise<string> {
  const url: OAuthUrl = await client.oauthUrl({
    element, apiKey: 'key', apiSecret: 'secret', callbackUrl: 'https://app.example.com/oauth/callback',
    state: signer.sign(element, userId),
  })
  return url.oauthUrl
}

type Outcome = { ok: true, element: string, code: string } | { ok: false, expired: boolean, message: string }

/** GET /oauth/callback on any replica: the code and the element, or why not. */
export function callback(landedOn: string, userId: string): Outcome {
  try {
    const grant: Grant = signer.parseCallback(landedOn, userId)
    const claims: StateClaims = signer.verify(grant.state, userId)
    const issued: number = claims.issuedAt
    return { ok: true, element: claims.element, code: `${grant.code}@${issued}` }
  } catch (err) {
    if (err instanceof ElementsAuthError && err.code === 'STATE_MISMATCH') {
      const mismatch: 'expired' | 'other_subject' | 'bad_signature' | 'unknown_key' | 'malformed' | 'missing' | 'different' | null = err.mismatch
      return { ok: false, expired: mismatch === 'expired', message: err.message }
    }
    throw err
  }
}

export const verifyOnly = (state: string, userId: string, now: number): StateClaims => signer.verifyForTest(state, userId, now)
export const keyIds = keys
