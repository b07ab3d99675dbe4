// An events endpoint for the platform's notifications, tested offline.
//
//   node examples/node/events-receiver.mjs
//
// `receive(rawBody, signature)` is the part to reuse in a web app (Express:
// `express.raw({ type: 'application/json' })` keeps the raw body): it
// verifies the signature on the raw bytes before parsing anything (with
// every current key, so that a key can be rotated), and ignores an event id
// it has already handled: the signature carries no timestamp, so a replayed
// notification verifies, and the event id is what makes receiving it twice
// safe. The server answers at once and does the work afterwards; the
// platform retries a non-2xx answer, so a duplicate is answered 200.
import http from 'node:http'
import {
  Sandbox, parseCallback, parseEventNotification, verifyWebhookSignature, ElementsAuthError, SIGNATURE_HEADER,
} from 'elements-auth'

const SIGNATURE_KEYS = ['events-key-2025', 'events-key-2024'] // the current key first, then the previous one
const REMEMBER = 10_000 // event ids kept, the newest

function eventsEndpoint(signatureKeys, onEvent) {
  const seen = new Set() // insertion order: the oldest id comes first
  return function receive(rawBody, signature) {
    let notification
    try {
      verifyWebhookSignature(signatureKeys, rawBody, signature ?? '')
      notification = parseEventNotification(rawBody)
    } catch (err) {
      if (err instanceof ElementsAuthError && err.code === 'INVALID_SIGNATURE') return 401
      if (err instanceof ElementsAuthError && err.code === 'DECODE') return 400
      throw err
    }
    if (seen.has(notification.eventId)) return 200 // a replay or a platform retry: already handled
    seen.add(notification.eventId)
    if (seen.size > REMEMBER) seen.delete(seen.values().next().value)
    setImmediate(() => onEvent(notification)) // answer now, work later
    return 202
  }
}

/** `POST /events` on 127.0.0.1 with a free port. */
async function serve(receive) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/events') return res.writeHead(404).end()
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => res.writeHead(receive(Buffer.concat(chunks), req.headers[SIGNATURE_HEADER.toLowerCase()])).end())
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

async function post(url, body, signature) {
  const answer = await fetch(url, { method: 'POST', body, headers: { [SIGNATURE_HEADER]: signature } })
  return answer.status
}

const handled = []
let wake = () => {}
const server = await serve(eventsEndpoint(SIGNATURE_KEYS, (n) => { handled.push(n); wake() }))
const eventsUrl = `http://127.0.0.1:${server.address().port}/events`
const sandbox = Sandbox.start()
try {
  const client = sandbox.client({ timeoutMs: 10_000 })
  const app = { apiKey: 'my-dropbox-app', apiSecret: 'my-dropbox-app-secret', callbackUrl: 'https://app.example.com/oauth/callback' }
  const url = await client.oauthUrl({ element: 'dropbox', ...app })
  const grant = parseCallback(sandbox.approve(url.oauthUrl), url.state)
  const instance = await client.createInstance({
    element: 'dropbox', code: grant.code, name: 'My Dropbox', ...app,
    // The platform signs with the key the instance holds: the previous one, here.
    events: { vendorType: 'webhook', callbackUrl: eventsUrl, signatureKey: SIGNATURE_KEYS[1] },
  })
  const eventId = sandbox.triggerEvent({ instanceId: instance.id, objectType: 'files', eventType: 'CREATED', objectId: 'id:report.pdf' })
  if (handled.length === 0) await new Promise((resolve) => { wake = resolve })
  const [n] = handled
  const [event] = n.events
  console.log(`received:  event ${n.eventId} of instance ${n.instanceId}: ${event.objectType} ${event.objectId} ${event.eventType}`)
  let delivery
  do {
    delivery = sandbox.deliveries().find((d) => d.eventId === eventId)
    await new Promise((resolve) => setTimeout(resolve, 10))
  } while (delivery.state === 'pending')
  console.log(`delivery:  ${delivery.state}, attempts ${JSON.stringify(delivery.attempts)}`)

  // Someone replays the captured notification: it verifies, and is ignored.
  const replayed = await post(eventsUrl, delivery.body, delivery.signature)
  await new Promise((resolve) => setImmediate(resolve))
  console.log(`replay:    answered ${replayed}, handled again: ${handled.length > 1}`)
  console.log(`forged:    answered ${await post(eventsUrl, delivery.body, `sha256=${'A'.repeat(43)}=`)}`)
} catch (err) {
  console.error(err instanceof ElementsAuthError ? `failed (${err.code}): ${err.message}` : err)
  process.exitCode = 1
} finally {
  sandbox.stop()
  server.close()
}
