'use strict'
// Events end to end: the sandbox POSTs signed notifications to a real HTTP
// receiver of the test's own (node:http on 127.0.0.1), which verifies the
// raw body and parses it; retries, failures and refusals as on the platform.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const net = require('node:net')
const { ea, setup, concurGrant, concurCreate, thrown, CALLBACK, API_KEY, API_SECRET } = require('./helpers')

const SIGNATURE_KEY = 'node-signature-key-6a0d3e'
const NEW_KEY = 'node-rotated-signature-key-b81f'
const HEADER = ea.SIGNATURE_HEADER.toLowerCase()

/** A receiver answering each POST with the next status of `script` (then 200); keeps headers and raw bodies. */
async function receiver(script = []) {
  const got = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      got.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(script[got.length - 1] ?? 200).end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}/events`
  return { url, got, close: () => new Promise((resolve) => server.close(resolve)) }
}

/** A loopback URL nobody listens on. */
async function closedUrl() {
  const server = net.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = server.address().port
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}/events`
}

/** The delivery of `eventId` once it is no longer pending (polled without blocking the event loop). */
async function finished(sandbox, eventId) {
  const deadline = Date.now() + 60_000
  for (;;) {
    const d = sandbox.deliveries().find((x) => x.eventId === eventId)
    assert.ok(d, 'the delivery is listed')
    if (d.state !== 'pending') return d
    assert.ok(Date.now() < deadline, `still pending: ${JSON.stringify(d)}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function webhookInstance(sandbox, client, url, signatureKey) {
  const oauth = await client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })
  const grant = ea.parseCallback(sandbox.approve(oauth.oauthUrl), oauth.state)
  const instance = await client.createInstance({
    element: 'dropbox', code: grant.code, name: 'events', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK,
    events: { vendorType: 'webhook', callbackUrl: url, signatureKey },
  })
  return instance.id
}

function events(t) {
  const env = setup({ eventRetryDelayMs: 1 })
  t.after(env.stop)
  return env
}

test('a webhook instance with a signature key gets exactly one signed POST per event', async (t) => {
  const { sandbox, client } = events(t)
  const rx = await receiver()
  t.after(rx.close)
  const instanceId = await webhookInstance(sandbox, client, rx.url, SIGNATURE_KEY)
  const first = sandbox.triggerEvent({ instanceId, objectType: 'files', eventType: 'CREATED', objectId: 'id:abc' })
  const second = sandbox.triggerEvent({ instanceId, objectType: 'files' })
  assert.equal(typeof first, 'number')
  assert.equal(second, first + 1)
  const deliveries = [await finished(sandbox, first), await finished(sandbox, second)]
  assert.equal(rx.got.length, 2, 'exactly one POST per event')
  for (const [i, [eventId, eventType, objectId]] of [[first, 'CREATED', 'id:abc'], [second, 'UPDATED', undefined]].entries()) {
    const { headers, body, method, url } = rx.got[i]
    const d = deliveries[i]
    assert.deepEqual([d.state, d.attempts], ['delivered', [200]])
    assert.deepEqual([method, url], ['POST', '/events'])
    assert.equal(headers['content-type'], 'application/json')
    assert.equal(headers[HEADER], d.signature)
    assert.equal(body.toString('utf8'), d.body)
    assert.equal(ea.verifyWebhookSignature(SIGNATURE_KEY, body, headers[HEADER]), undefined)
    const n = ea.parseEventNotification(body)
    assert.equal(n.eventId, String(eventId))
    assert.equal(n.instanceId, instanceId)
    assert.equal(n.events.length, 1)
    const [event] = n.events
    assert.deepEqual([event.elementKey, event.objectType, event.eventType], ['dropbox', 'files', eventType])
    if (objectId) assert.equal(event.objectId, objectId)
    assert.ok(event.date)
  }
})

test('key rotation: [newKey, oldKey] accepts a body signed with either, and no third key', async (t) => {
  const { sandbox, client } = events(t)
  const rx = await receiver()
  t.after(rx.close)
  const instanceId = await webhookInstance(sandbox, client, rx.url, SIGNATURE_KEY)
  await finished(sandbox, sandbox.triggerEvent({ instanceId, objectType: 'files' }))
  const { headers, body } = rx.got[0]
  for (const header of [headers[HEADER], ea.signWebhook(NEW_KEY, body)]) {
    assert.equal(ea.verifyWebhookSignature([NEW_KEY, SIGNATURE_KEY], body, header), undefined)
  }
  const err = thrown(() => ea.verifyWebhookSignature([NEW_KEY, SIGNATURE_KEY], body, ea.signWebhook('a-third-key', body)))
  assert.equal(err.code, 'INVALID_SIGNATURE')
  const bad = thrown(() => ea.verifyWebhookSignature([NEW_KEY, 7], body, headers[HEADER]))
  assert.deepEqual([bad.code, bad.field], ['INVALID_INPUT', 'signatureKeys[1]'])
  const notKeys = thrown(() => ea.verifyWebhookSignature({ key: NEW_KEY }, body, headers[HEADER]))
  assert.deepEqual([notKeys.code, notKeys.field], ['INVALID_INPUT', 'signatureKey'])
})

test('a polling Concur instance with a reports poller gets an event for reports', async (t) => {
  const { sandbox, client } = events(t)
  const rx = await receiver()
  t.after(rx.close)
  const grant = await concurGrant(sandbox, client)
  const instance = await client.createInstance(concurCreate(grant.code, {
    events: { vendorType: 'polling', callbackUrl: rx.url, refreshInterval: 15, pollerConfiguration: { reports: { url: '/hubs/expense/reports', idField: 'ID' } } },
  }))
  const eventId = sandbox.triggerEvent({ instanceId: instance.id, objectType: 'reports', objectId: 'R-1001' })
  assert.equal((await finished(sandbox, eventId)).state, 'delivered')
  assert.equal(rx.got.length, 1)
  assert.equal(rx.got[0].headers[HEADER], undefined, 'no signature key, no header')
  const [event] = ea.parseEventNotification(rx.got[0].body).events
  assert.deepEqual([event.elementKey, event.objectType, event.objectId], ['concur', 'reports', 'R-1001'])
  const err = thrown(() => sandbox.triggerEvent({ instanceId: instance.id, objectType: 'invoices' }))
  assert.deepEqual([err.code, err.field], ['SANDBOX', 'objectType'])
  assert.match(err.message, /reports/)
})

test('a receiver that answers 500 twice and then 200: 3 attempts, delivered', async (t) => {
  const { sandbox, client } = events(t)
  const rx = await receiver([500, 500, 200])
  t.after(rx.close)
  const instanceId = await webhookInstance(sandbox, client, rx.url, SIGNATURE_KEY)
  const d = await finished(sandbox, sandbox.triggerEvent({ instanceId, objectType: 'files' }))
  assert.deepEqual(d.attempts, [500, 500, 200])
  assert.equal(d.state, 'delivered')
  assert.equal(rx.got.length, 3)
  assert.ok(rx.got.every((r) => r.body.equals(rx.got[0].body)), 'every attempt sends the same bytes')
})

test('a receiver that is down: 10 attempts, failed', async (t) => {
  const { sandbox, client, stop } = setup({ eventRetryDelayMs: 0.02 })
  t.after(stop)
  const instanceId = await webhookInstance(sandbox, client, await closedUrl(), undefined)
  const d = await finished(sandbox, sandbox.triggerEvent({ instanceId, objectType: 'files' }))
  assert.equal(d.state, 'failed')
  assert.deepEqual(d.attempts, Array(10).fill(0))
})

test('an instance without a signature key gets no signature header', async (t) => {
  const { sandbox, client } = events(t)
  const rx = await receiver()
  t.after(rx.close)
  const instanceId = await webhookInstance(sandbox, client, rx.url, undefined)
  const d = await finished(sandbox, sandbox.triggerEvent({ instanceId, objectType: 'files' }))
  assert.equal(d.signature, undefined)
  assert.equal(rx.got[0].headers[HEADER], undefined)
})

test('an instance without events gets a clear error from triggerEvent', async (t) => {
  const { sandbox, client } = events(t)
  const grant = await concurGrant(sandbox, client)
  const instance = await client.createInstance(concurCreate(grant.code))
  const err = thrown(() => sandbox.triggerEvent({ instanceId: instance.id, objectType: 'reports' }))
  assert.ok(err instanceof ea.ElementsAuthError)
  assert.deepEqual([err.code, err.kind, err.field], ['SANDBOX', 'sandbox', 'instanceId'])
  assert.equal(err.message, `invalid instanceId: instance ${instance.id} has no events enabled: create it with events (event.notification.enabled) to receive notifications`)
  const unknown = thrown(() => sandbox.triggerEvent({ instanceId: 424242, objectType: 'reports' }))
  assert.equal(unknown.field, 'instanceId')
  // Arguments of the wrong type are named before anything happens.
  for (const [event, field] of [[{ objectType: 'x' }, 'instanceId'], [{ instanceId: 1 }, 'objectType'], [{ instanceId: 1, objectType: 'x', eventType: 3 }, 'eventType']]) {
    const e = thrown(() => sandbox.triggerEvent(event))
    assert.deepEqual([e.code, e.field], ['INVALID_INPUT', field])
  }
  assert.deepEqual(sandbox.deliveries(), [])
})

test('parseEventNotification refuses what is not a notification', () => {
  for (const body of ['', 'not json', '[]', '{"message": {"events": []}}']) {
    const err = thrown(() => ea.parseEventNotification(body))
    assert.deepEqual([err.code, err.operation, err.retryable], ['DECODE', null, false])
  }
  assert.equal(thrown(() => ea.parseEventNotification(42)).field, 'body')
})

test('the eventRetryDelayMs option is checked', () => {
  assert.equal(thrown(() => ea.Sandbox.start({ eventRetryDelayMs: -1 })).field, 'eventRetryDelayMs')
  assert.equal(thrown(() => ea.Sandbox.start({ eventRetryDelayMs: 3_601_000 })).code, 'SANDBOX')
})
