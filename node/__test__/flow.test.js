'use strict'
// The whole flow against the sandbox, and every option reaching the wire.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')
const { ea, setup, concurGrant, concurCreate, rejection, thrown, CALLBACK, API_KEY, API_SECRET, SITE } = require('./helpers')

test('full Concur flow with Promises', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const url = await client.oauthUrl({ element: 'concur', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, siteAddress: SITE })
  assert.equal(url.element, 'concur')
  assert.match(url.state, /^[A-Za-z0-9_-]{43}$/, 'a generated state is 32 random bytes, base64url')
  const vendor = new URL(url.oauthUrl)
  assert.equal(vendor.searchParams.get('client_id'), API_KEY)
  assert.equal(vendor.searchParams.get('redirect_uri'), CALLBACK)
  assert.equal(vendor.searchParams.get('state'), url.state)

  const callback = sandbox.approve(url.oauthUrl)
  assert.ok(callback.startsWith(CALLBACK + '?'))
  const grant = ea.parseCallback(callback, url.state)
  assert.equal(grant.state, url.state)
  assert.ok(grant.code.length > 0)

  const instance = await client.createInstance(concurCreate(grant.code, { tags: ['team-a'] }))
  assert.ok(instance instanceof ea.Instance)
  assert.ok(instance.id > 0)
  assert.equal(instance.name, 'my concur')
  assert.equal(instance.elementKey, 'concur')
  assert.deepEqual(instance.tags, ['team-a'])
  assert.equal(instance.valid, true)
  assert.equal(instance.disabled, false)
  assert.ok(instance.token.length > 10)
  assert.equal(instance.raw.token, instance.token)
  assert.equal(instance.raw.id, instance.id)

  const fetched = await client.getInstance(instance.id)
  assert.equal(fetched.token, instance.token)
  const listed = await client.listInstances()
  assert.deepEqual(listed.map((i) => i.id), [instance.id])
  assert.equal(await client.deleteInstance(instance.id), undefined)
  assert.deepEqual(await client.listInstances(), [])
  const gone = await rejection(client.getInstance(instance.id))
  assert.equal(gone.code, 'API')
  assert.equal(gone.status, 404)
})

test('util.inspect and JSON of results mask the secrets and leave raw out', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const grant = await concurGrant(sandbox, client)
  const instance = await client.createInstance(concurCreate(grant.code, { tags: ['t'] }))
  const view = JSON.parse(JSON.stringify(instance))
  assert.deepEqual(view, {
    id: instance.id, name: 'my concur', token: '***', elementKey: 'concur', tags: ['t'], valid: true, disabled: false,
  })
  const shown = util.inspect(instance, { depth: Infinity, showHidden: true })
  assert.ok(shown.startsWith('Instance {'), shown)
  assert.ok(!shown.includes('raw'), shown)
  assert.ok(!shown.includes(instance.token), shown)
  assert.deepEqual(JSON.parse(JSON.stringify(grant)), { code: '***', state: grant.state })
  assert.deepEqual(JSON.parse(JSON.stringify([instance]))[0], view)
  // the getters still give the real values
  assert.equal(instance.raw.token, instance.token)
})

test('sandbox.client(): a Client for the sandbox, options passed on', async (t) => {
  const sandbox = ea.Sandbox.start()
  t.after(() => sandbox.stop())
  const client = sandbox.client()
  assert.ok(client instanceof ea.Client)
  assert.equal(client.baseUrl, sandbox.baseUrl)
  assert.deepEqual(await client.listInstances(), [])
  const tuned = sandbox.client({ userAgent: 'suite/1', timeoutMs: 5000 })
  assert.deepEqual(tuned.listInstancesSync(), [])
  const sent = sandbox.requests().at(-1)
  assert.equal(sent.headers['user-agent'], `elements-auth/${ea.version} (node ${process.versions.node}) suite/1`)
  assert.equal(sent.headers.authorization, `User ${sandbox.userSecret}, Organization ${sandbox.organizationSecret}`)
  // options override the sandbox's values
  const stranger = sandbox.client({ userSecret: 'someone-else' })
  assert.equal((await rejection(stranger.listInstances())).status, 401)
  assert.equal(thrown(() => sandbox.client({ environment: 'staging' })).field, 'baseUrl')
  assert.equal(thrown(() => sandbox.client({ timeoutMs: '5s' })).field, 'timeoutMs')
})

test('sandbox limits: request log size, read timeout and connection cap reach the sandbox', async (t) => {
  const net = require('node:net')
  const logged = ea.Sandbox.start({ requestLogLimit: 2 })
  t.after(() => logged.stop())
  for (let i = 0; i < 3; i++) await logged.client().listInstances()
  assert.equal(logged.requests().length, 2)
  assert.equal(logged.requestsDropped, 1)

  // An idle connection holds the only slot: the next one gets 503, until the
  // read timeout cuts the idle one off.
  const sandbox = ea.Sandbox.start({ readTimeoutMs: 300, maxConnections: 1 })
  t.after(() => sandbox.stop())
  const client = sandbox.client({ maxRetries: 0 })
  const idle = net.connect(sandbox.port, '127.0.0.1')
  const closed = new Promise((resolve) => idle.on('close', resolve))
  await new Promise((resolve) => idle.on('connect', resolve))
  // connections are accepted in order, so the idle one is counted first
  await new Promise((resolve) => setTimeout(resolve, 50))
  const busy = await rejection(client.listInstances())
  assert.equal(busy.code, 'API')
  assert.equal(busy.status, 503)
  assert.equal(busy.retryable, true)
  const started = Date.now()
  await closed
  assert.ok(Date.now() - started < 5000, 'the idle connection was cut off')
  assert.deepEqual(await client.listInstances(), [])

  assert.equal(thrown(() => ea.Sandbox.start({ maxConnections: 0 })).code, 'SANDBOX')
  assert.equal(thrown(() => ea.Sandbox.start({ readTimeoutMs: -1 })).field, 'readTimeoutMs')
  assert.equal(thrown(() => ea.Sandbox.start({ requestLogLimit: 1.5 })).field, 'requestLogLimit')
})

test('version: the package version is the one of the workspace (Cargo.toml), shared by every artifact', () => {
  const cargo = fs.readFileSync(path.join(__dirname, '..', '..', 'Cargo.toml'), 'utf8')
  const workspace = /^\[workspace\.package\]$([\s\S]*?)^\[/m.exec(cargo)[1]
  const want = /^version = "([^"]+)"$/m.exec(workspace)[1]
  assert.equal(ea.version, want)
  assert.equal(require('../package.json').version, want)
  assert.match(ea.version, /^\d+\.\d+\.\d+$/)
})

test('full flow with the Sync twins', (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const url = client.oauthUrlSync({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, state: 'fixed-state' })
  assert.equal(url.state, 'fixed-state')
  const grant = ea.parseCallback(sandbox.approve(url.oauthUrl), 'fixed-state')
  const instance = client.createInstanceSync({ element: 'dropbox', code: grant.code, name: 'box', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })
  assert.equal(client.getInstanceSync(instance.id).token, instance.token)
  assert.deepEqual(client.listInstancesSync().map((i) => i.id), [instance.id])
  assert.deepEqual(sandbox.instances().map((i) => i.id), [instance.id])
  client.deleteInstanceSync(instance.id)
  assert.deepEqual(client.listInstancesSync(), [])
})

test('Deny at the vendor is AUTHORIZATION_DENIED; a foreign state is STATE_MISMATCH', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const url = await client.oauthUrl({ element: 'concur', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, siteAddress: SITE })
  const denied = thrown(() => ea.parseCallback(sandbox.deny(url.oauthUrl), url.state))
  assert.ok(denied instanceof ea.ElementsAuthError)
  assert.ok(denied instanceof Error)
  assert.equal(denied.code, 'AUTHORIZATION_DENIED')
  assert.equal(denied.kind, 'authorization_denied')
  assert.equal(denied.error, 'access_denied')
  assert.equal(typeof denied.description, 'string')
  assert.match(denied.message, /access_denied/)

  const mismatch = thrown(() => ea.parseCallback(sandbox.approve(url.oauthUrl), 'some-other-state'))
  assert.equal(mismatch.code, 'STATE_MISMATCH')
  assert.equal(mismatch.kind, 'state_mismatch')
})

test('manual consent mode: approve still works, codes are single-use', async (t) => {
  const { sandbox, client, stop } = setup({ autoConsent: false })
  t.after(stop)
  assert.equal(sandbox.autoConsent, false)
  const grant = await concurGrant(sandbox, client)
  await client.createInstance(concurCreate(grant.code))
  const reused = await rejection(client.createInstance(concurCreate(grant.code)))
  assert.equal(reused.code, 'API')
  assert.equal(reused.status, 400)
  assert.match(reused.providerMessage, /invalid_grant/)
  assert.ok(reused.requestId)
})

test('every oauthUrl and createInstance option reaches the wire', async (t) => {
  const { sandbox, client, stop } = setup({}, { userAgent: 'my-service/2.1' })
  t.after(stop)
  const url = await client.oauthUrl({
    element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK,
    siteAddress: 'https://site.example', state: 'st-1', scope: 'files.read', params: [['newUser', 'true'], ['merchantId', 'm 1']],
  })
  const [sentUrl] = sandbox.requests()
  assert.deepEqual(sentUrl.query, [
    ['apiKey', API_KEY], ['apiSecret', API_SECRET], ['callbackUrl', CALLBACK], ['siteAddress', 'https://site.example'],
    ['state', 'st-1'], ['scope', 'files.read'], ['newUser', 'true'], ['merchantId', 'm 1'],
  ])
  assert.equal(sentUrl.headers.authorization, undefined, 'oauth/url sends no Authorization header')
  // composed in core: the core version, this binding and its runtime, then the suffix
  assert.equal(sentUrl.headers['user-agent'], `elements-auth/${ea.version} (node ${process.versions.node}) my-service/2.1`)

  const grant = ea.parseCallback(sandbox.approve(url.oauthUrl), 'st-1')
  const poller = { files: { url: '/hubs/documents/files', idField: 'id', datesConfiguration: { updatedDateField: 'modified' } } }
  const instance = await client.createInstance({
    element: 'dropbox', code: grant.code, name: 'box with events', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK,
    tags: ['a', 'b'], filterResponseNulls: false,
    events: { vendorType: 'polling', callbackUrl: 'https://app.example.com/events', signatureKey: 'sig-key-123456', refreshInterval: 15, pollerConfiguration: poller },
    configuration: { 'document.tagging': 'false', 'page.size': '200', 'custom.key': 'v' },
  })
  assert.deepEqual(instance.tags, ['a', 'b'])
  const create = sandbox.requests().find((r) => r.method === 'POST')
  assert.equal(create.path, '/elements/api-v2/instances')
  assert.equal(create.headers.authorization, `User ${sandbox.userSecret}, Organization ${sandbox.organizationSecret}`)
  assert.match(create.headers['content-type'], /^application\/json/)
  const body = JSON.parse(create.body)
  assert.deepEqual(body.element, { key: 'dropbox' })
  assert.deepEqual(body.providerData, { code: grant.code })
  assert.equal(body.name, 'box with events')
  assert.deepEqual(body.tags, ['a', 'b'])
  assert.deepEqual(JSON.parse(body.configuration['event.poller.configuration']), poller)
  delete body.configuration['event.poller.configuration']
  assert.deepEqual(body.configuration, {
    'oauth.api.key': API_KEY,
    'oauth.api.secret': API_SECRET,
    'oauth.callback.url': CALLBACK,
    'filter.response.nulls': 'false',
    'event.notification.enabled': 'true',
    'event.vendor.type': 'polling',
    'event.notification.callback.url': 'https://app.example.com/events',
    'event.notification.signature.key': 'sig-key-123456',
    'event.poller.refresh_interval': '15',
    'document.tagging': 'false',
    'page.size': '200',
    'custom.key': 'v',
  })
})

test('webhook events, and defaults when nothing optional is given', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const url = await client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })
  const grant = ea.parseCallback(sandbox.approve(url.oauthUrl), url.state)
  await client.createInstance({
    element: 'dropbox', code: grant.code, name: 'hooks', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK,
    events: { vendorType: 'webhook', callbackUrl: 'https://app.example.com/hooks' },
  })
  const url2 = await client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })
  const grant2 = ea.parseCallback(sandbox.approve(url2.oauthUrl), url2.state)
  await client.createInstance({ element: 'dropbox', code: grant2.code, name: 'plain', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })
  const [hooks, plain] = sandbox.requests().filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body))
  assert.equal(hooks.configuration['event.vendor.type'], 'webhook')
  assert.equal(hooks.configuration['event.notification.callback.url'], 'https://app.example.com/hooks')
  assert.equal(hooks.configuration['event.poller.refresh_interval'], undefined)
  assert.equal(plain.configuration['event.notification.enabled'], 'false')
  assert.equal(plain.configuration['filter.response.nulls'], 'true')
  assert.deepEqual(plain.tags, [])
})

test('client options: environment presets, fromEnv, retries, response limit', async (t) => {
  assert.equal(new ea.Client().baseUrl, 'https://api.cloud-elements.com/elements/api-v2')
  assert.equal(new ea.Client({ environment: 'staging' }).baseUrl, 'https://staging.cloud-elements.com/elements/api-v2')
  assert.equal(new ea.Client({ environment: 'sap-us2' }).baseUrl, 'https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2')

  const { sandbox, stop } = setup()
  t.after(stop)
  const saved = { ...process.env }
  t.after(() => {
    for (const k of ['ELEMENTS_BASE_URL', 'ELEMENTS_USER_SECRET', 'ELEMENTS_ORGANIZATION_SECRET']) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  })
  process.env.ELEMENTS_BASE_URL = sandbox.baseUrl
  process.env.ELEMENTS_USER_SECRET = sandbox.userSecret
  process.env.ELEMENTS_ORGANIZATION_SECRET = sandbox.organizationSecret
  const fromEnv = new ea.Client({ fromEnv: true })
  assert.equal(fromEnv.baseUrl, sandbox.baseUrl)
  assert.deepEqual(await fromEnv.listInstances(), [])

  // GETs are retried on dropped connections (default 2 retries), unless maxRetries is 0.
  const retrying = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: sandbox.userSecret, organizationSecret: sandbox.organizationSecret, retryBaseDelayMs: 1, maxRetryDelayMs: 5 })
  sandbox.injectFault('drop', 2)
  assert.deepEqual(await retrying.listInstances(), [])
  const noRetry = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: sandbox.userSecret, organizationSecret: sandbox.organizationSecret, maxRetries: 0 })
  sandbox.injectFault('drop', 1)
  assert.equal((await rejection(noRetry.listInstances())).code, 'TRANSPORT')

  const small = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: sandbox.userSecret, organizationSecret: sandbox.organizationSecret, responseLimit: 4096 })
  sandbox.injectFault('huge', 1)
  const huge = await rejection(small.listInstances())
  assert.equal(huge.code, 'DECODE')
  assert.match(huge.message, /limit of 4096 bytes/)
})

test('strings of any length and script reach the core whole (the short-string fast path and its edge)', () => {
  // Around 256 UTF-8 bytes a character of 1 to 4 bytes may fall on the edge
  // of the first read's buffer: each must come through unchanged.
  for (const ch of ['a', 'é', '€', '😀']) {
    for (let bytes = 240; bytes <= 270; bytes++) {
      const state = 's'.repeat(bytes - Buffer.byteLength(ch)) + ch
      const grant = ea.parseCallback(`${CALLBACK}?code=c&state=${encodeURIComponent(state)}`, state)
      assert.equal(grant.state, state, `${Buffer.byteLength(state)} bytes ending in ${ch}`)
    }
  }
  const long = '😀'.repeat(5000)
  assert.equal(ea.parseCallback(`${CALLBACK}?code=c&state=${encodeURIComponent(long)}`, long).state, long)
})
