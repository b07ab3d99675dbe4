'use strict'
// Every error kind with its fields, fault injection, and secret hygiene.
const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { ea, setup, concurGrant, concurCreate, rejection, thrown, CALLBACK, API_KEY, API_SECRET } = require('./helpers')

const seen = new Set()
function check(err, code, fields = {}) {
  assert.ok(err instanceof ea.ElementsAuthError, `not an ElementsAuthError: ${err && err.stack}`)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'ElementsAuthError')
  assert.equal(err.code, code)
  assert.equal(err.kind, code.toLowerCase())
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof RegExp) assert.match(err[k], v, k)
    else assert.deepEqual(err[k], v, k)
  }
  seen.add(code)
  return err
}

test('INVALID_INPUT names the camelCase field, before anything is sent', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const base = { element: 'dropbox', code: 'c0de-xyz', name: 'n', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK }
  const cases = [
    [{ ...base, apiSecret: '' }, 'apiSecret'],
    [{ ...base, callbackUrl: 'not a url' }, 'callbackUrl'],
    [{ ...base, tags: ['ok', ''] }, 'tags[1]'],
    [{ ...base, events: { vendorType: 'push', callbackUrl: CALLBACK } }, 'events.vendorType'],
    [{ ...base, events: { vendorType: 'polling', callbackUrl: CALLBACK, refreshInterval: 0 } }, 'events.refreshInterval'],
    [{ ...base, events: { vendorType: 'polling', callbackUrl: CALLBACK, pollerConfiguration: [1] } }, 'events.pollerConfiguration'],
    [{ ...base, events: { vendorType: 'webhook', callbackUrl: CALLBACK, refreshInterval: 5 } }, 'events.refreshInterval'],
    [{ ...base, configuration: { 'oauth.api.key': 'x' } }, 'configuration[0]'],
    // entries are numbered in the object's key order (sorted, this would be configuration[0])
    [{ ...base, configuration: { 'zz.custom': 'x', 'oauth.api.key': 'y' } }, 'configuration[1]'],
    // values must be strings, as in Python and C
    [{ ...base, configuration: { 'zz.custom': 'x', nested: { a: 1 } } }, 'configuration[1]'],
    [{ ...base, configuration: { 'page.size': 200 } }, 'configuration[0]'],
    [{ ...base, configuration: { 'document.tagging': false } }, 'configuration[0]'],
    [{ ...base, configuration: { 'custom.key': null } }, 'configuration[0]'],
    [{ ...base, name: 42 }, 'name'],
  ]
  for (const [request, field] of cases) {
    const err = await rejection(client.createInstance(request))
    check(err, 'INVALID_INPUT', { field, status: null })
    assert.ok(err.message.includes(field), err.message)
    check(thrown(() => client.createInstanceSync(request)), 'INVALID_INPUT', { field })
  }
  check(await rejection(client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, params: [['a']] })), 'INVALID_INPUT', { field: 'params[0]' })
  check(await rejection(client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, params: [['state', 'x']] })), 'INVALID_INPUT', { field: 'params[0]' })
  const wrongType = check(await rejection(client.createInstance({ ...base, configuration: { 'custom.key': 'ok', 'custom.number': 987654 } })),
    'INVALID_INPUT', { field: 'configuration[1]' })
  assert.ok(wrongType.message.includes('custom.number'), wrongType.message)
  assert.ok(!wrongType.message.includes('987654'), 'the value is not echoed')
  // the core refuses non-positive ids; Node reports its field as `id`
  check(await rejection(client.getInstance(0)), 'INVALID_INPUT', { field: 'id' })
  check(await rejection(client.deleteInstance(-3)), 'INVALID_INPUT', { field: 'id' })
  check(thrown(() => client.getInstanceSync(-1)), 'INVALID_INPUT', { field: 'id' })
  check(thrown(() => client.deleteInstanceSync(0)), 'INVALID_INPUT', { field: 'id' })
  assert.equal(sandbox.requests().length, 0, 'nothing was sent')

  check(thrown(() => new ea.Client({ baseUrl: sandbox.baseUrl, environment: 'staging' })), 'INVALID_INPUT', { field: 'baseUrl' })
  check(thrown(() => new ea.Client({ environment: 'moon' })), 'INVALID_INPUT', { field: 'environment' })
  check(thrown(() => new ea.Client({ timeoutMs: -1 })), 'INVALID_INPUT', { field: 'timeoutMs' })
  check(thrown(() => new ea.Client({ timeoutMs: 0 })), 'INVALID_INPUT', { field: 'timeoutMs', message: /^invalid timeoutMs: / })
  // durations are converted by the core (elements_auth::millis): not a number, or beyond its 24 h cap
  check(thrown(() => new ea.Client({ timeoutMs: Number.NaN })), 'INVALID_INPUT', { field: 'timeoutMs' })
  check(thrown(() => new ea.Client({ timeoutMs: 24 * 3600 * 1000 + 1 })), 'INVALID_INPUT', { field: 'timeoutMs', message: /^invalid timeoutMs: / })
  check(thrown(() => new ea.Client({ baseUrl: 'http://api.example.com/v2' })), 'INVALID_INPUT', { field: 'baseUrl' })
  check(thrown(() => new ea.Client({ caFile: '/nonexistent/ca.pem' })), 'INVALID_INPUT', { field: 'caFile' })
  check(thrown(() => new ea.Client({ userSecret: '' })), 'INVALID_INPUT', { field: 'userSecret' })
  // 0 is refused by the core, the others by the conversion to a byte count
  check(thrown(() => new ea.Client({ responseLimit: 0 })), 'INVALID_INPUT', { field: 'responseLimit', message: /^invalid responseLimit: / })
  check(thrown(() => new ea.Client({ responseLimit: -1 })), 'INVALID_INPUT', { field: 'responseLimit' })
  check(thrown(() => new ea.Client({ responseLimit: 1.5 })), 'INVALID_INPUT', { field: 'responseLimit' })
  const noSecrets = new ea.Client({ baseUrl: sandbox.baseUrl })
  check(await rejection(noSecrets.listInstances()), 'INVALID_INPUT', { field: 'userSecret' })
  check(thrown(() => ea.verifyWebhookSignature('', 'body', 'sha256=AAAA')), 'INVALID_INPUT', { field: 'signatureKey' })
})

test('API errors carry status, requestId and providerMessage', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const wrong = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: 'wrong-user', organizationSecret: 'wrong-org' })
  const denied = check(await rejection(wrong.listInstances()), 'API', { status: 401, retryable: false })
  assert.match(denied.requestId, /^[0-9a-f]+$/)
  check(await rejection(client.oauthUrl({ element: 'nosuchelement', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })), 'API', { status: 404 })
  const grant = await concurGrant(sandbox, client)
  const wrongApp = check(await rejection(client.createInstance(concurCreate(grant.code, { apiKey: 'another-app' }))), 'API', { status: 400 })
  assert.match(wrongApp.providerMessage, /invalid_grant/)
})

test('fault injection: 5xx, timeout, dropped connection, bad JSON', async (t) => {
  // Setup calls and most faulted calls use a normal timeout (a loaded CI
  // machine may be slow); only the calls meant to time out use `fast`.
  const { sandbox, client, stop } = setup({}, { retryBaseDelayMs: 1, maxRetryDelayMs: 5 })
  t.after(stop)
  const fast = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: sandbox.userSecret, organizationSecret: sandbox.organizationSecret, timeoutMs: 300 })

  // one retryable status set in core (429/502/503/504): a 500 is not among them
  sandbox.injectFault('status:500', 1)
  check(await rejection(client.listInstances()), 'API', { status: 500, retryable: false, operation: 'listInstances' })

  // 503 on a create is never retried: the code is single-use.
  let grant = await concurGrant(sandbox, client)
  const before = sandbox.requests().length
  sandbox.injectFault('status:503', 1)
  check(await rejection(client.createInstance(concurCreate(grant.code))), 'API', { status: 503, retryable: false, mayHaveReachedServer: true })
  assert.equal(sandbox.requests().length - before, 1, 'exactly one POST')
  // GETs are retried on 503
  sandbox.injectFault('status:503', 1)
  assert.deepEqual(await client.listInstances(), [])

  grant = await concurGrant(sandbox, client)
  sandbox.injectFault('slow:1500', 1)
  // retryable is false: the create may have happened and its code is spent
  const timeout = check(await rejection(fast.createInstance(concurCreate(grant.code))), 'TIMEOUT', { mayHaveReachedServer: true, retryable: false, status: null })
  assert.ok(timeout.message.length > 0)
  const once = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: sandbox.userSecret, organizationSecret: sandbox.organizationSecret, timeoutMs: 300, maxRetries: 0 })
  sandbox.injectFault('slow:1500', 1)
  check(thrown(() => once.listInstancesSync()), 'TIMEOUT', { mayHaveReachedServer: true })
  sandbox.clearFaults()

  grant = await concurGrant(sandbox, client)
  sandbox.injectFault('drop', 1)
  check(await rejection(client.createInstance(concurCreate(grant.code))), 'TRANSPORT', { mayHaveReachedServer: true })

  grant = await concurGrant(sandbox, client)
  sandbox.injectFault('badjson', 1)
  check(await rejection(client.createInstance(concurCreate(grant.code))), 'DECODE')
  sandbox.injectFault('badjson', 1)
  check(await rejection(client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })), 'DECODE')
})

test('retryable and operation: a create that may have happened is not retryable, a failed list is', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const messages = []
  const fast = sandbox.client({ timeoutMs: 300 })

  let grant = await concurGrant(sandbox, client)
  sandbox.injectFault('slow:1500', 1)
  const timeout = check(await rejection(fast.createInstance(concurCreate(grant.code))), 'TIMEOUT',
    { retryable: false, mayHaveReachedServer: true, operation: 'createInstance', status: null })
  assert.ok(timeout.message.includes('listInstances()'), timeout.message)
  messages.push(timeout.message)
  sandbox.clearFaults()

  grant = await concurGrant(sandbox, client)
  sandbox.injectFault('status:503', 1)
  const unavailable = check(await rejection(client.createInstance(concurCreate(grant.code))), 'API',
    { status: 503, retryable: false, mayHaveReachedServer: true, operation: 'createInstance' })
  assert.ok(unavailable.message.includes('listInstances()'), unavailable.message)
  messages.push(unavailable.message)

  const once = sandbox.client({ maxRetries: 0 })
  sandbox.injectFault('status:503', 1)
  const list = check(await rejection(once.listInstances()), 'API',
    { status: 503, retryable: true, mayHaveReachedServer: true, operation: 'listInstances' })
  sandbox.injectFault('status:503', 1)
  const listSync = check(thrown(() => once.listInstancesSync()), 'API', { status: 503, retryable: true, operation: 'listInstances' })
  messages.push(list.message, listSync.message)

  for (const m of messages) assert.ok(!m.includes('list_instances'), `a Python/Rust name in: ${m}`)
})

test('errors are built natively: real ElementsAuthError objects from Promises and sync calls', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const fromPromise = await rejection(client.getInstance(0))
  const fromSync = thrown(() => client.getInstanceSync(0))
  const fromFunction = thrown(() => ea.parseCallback('https://app.example.com/cb?code=abc&state=s', 't'))
  const fromSandbox = thrown(() => sandbox.injectFault('explode'))
  for (const err of [fromPromise, fromSync, fromFunction, fromSandbox]) {
    assert.equal(Object.getPrototypeOf(err), ea.ElementsAuthError.prototype)
    assert.equal(err.constructor, ea.ElementsAuthError)
    assert.ok(Object.prototype.toString.call(err) === '[object Error]')
    assert.match(err.stack, /^ElementsAuthError: /)
    // every field is an own, enumerable property: the same set on every error
    assert.deepEqual(Object.keys(err), Object.keys(fromPromise))
    assert.ok(!err.message.includes('\u0001'), 'no marker payload in the message')
  }
  assert.equal(fromPromise.message, fromSync.message)
  assert.deepEqual({ ...fromPromise }, { ...fromSync })
  // a Promise method rejects on a bad argument; it never throws
  const pending = client.createInstance(42)
  assert.ok(pending instanceof Promise)
  check(await rejection(pending), 'INVALID_INPUT', { field: 'request', message: /^invalid request: must be an object$/ })
  check(await rejection(client.createInstance()), 'INVALID_INPUT', { field: 'request' })
  check(await rejection(client.getInstance('12')), 'INVALID_INPUT', { field: 'id', message: /^invalid id: must be a number$/ })
  check(await rejection(client.deleteInstance(1.5)), 'INVALID_INPUT', { field: 'id' })
  check(thrown(() => new ea.Client('staging')), 'INVALID_INPUT', { field: 'options' })
  check(thrown(() => ea.parseCallback(42, 's')), 'INVALID_INPUT', { field: 'callback' })
  check(thrown(() => ea.parseCallback('?code=a&state=s')), 'INVALID_INPUT', { field: 'expectedState', message: /is required/ })
  check(thrown(() => ea.signWebhook('key-123', 7)), 'INVALID_INPUT', { field: 'body' })
  check(thrown(() => sandbox.injectFault('drop', -1)), 'INVALID_INPUT', { field: 'count' })
  check(thrown(() => sandbox.approve({})), 'INVALID_INPUT', { field: 'oauthUrl' })
  assert.equal(sandbox.requests().length, 0, 'nothing was sent')
})

test('require("./binding.js") on its own throws and rejects with errors carrying every field', () => {
  // A fresh process: no ElementsAuthError class is registered there.
  const script = `
    const native = require('./binding.js')
    const own = (e) => ({ name: e.name, isError: e instanceof Error, props: { ...e }, message: e.message })
    const out = {}
    try { native.parseCallback('https://a.example/cb?code=x&state=s', 't') } catch (e) { out.sync = own(e) }
    try { new native.Client({ timeoutMs: 'soon' }) } catch (e) { out.ctor = own(e) }
    new native.Client({ baseUrl: 'http://127.0.0.1:9/elements/api-v2' }).listInstances()
      .then(() => { out.async = 'resolved' }, (e) => { out.async = own(e) })
      .finally(() => process.stdout.write(JSON.stringify(out)))
  `
  const { execFileSync } = require('node:child_process')
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: require('node:path').join(__dirname, '..') }).toString())
  const fields = Object.keys(thrown(() => ea.parseCallback('https://a.example/cb?code=x&state=s', 't')))
  for (const [path, code, field] of [['sync', 'STATE_MISMATCH', null], ['ctor', 'INVALID_INPUT', 'timeoutMs'], ['async', 'INVALID_INPUT', 'userSecret']]) {
    const e = out[path]
    assert.equal(e.isError, true, path)
    assert.equal(e.name, 'ElementsAuthError', path)
    assert.equal(e.props.code, code, path)
    assert.equal(e.props.field, field, path)
    assert.equal(e.props.retryable, false, path)
    assert.deepEqual(Object.keys(e.props).filter((k) => k !== 'name'), fields, path)
  }
  assert.match(out.ctor.message, /^invalid timeoutMs: must be a number$/)
})

test('each worker thread registers its own ElementsAuthError class', async () => {
  const { Worker } = require('node:worker_threads')
  const code = `
    const ea = require(${JSON.stringify(require('node:path').join(__dirname, '..'))})
    const { parentPort } = require('node:worker_threads')
    let sync
    try { ea.parseCallback('?code=a&state=s', 't') } catch (e) { sync = e }
    new ea.Client({ baseUrl: 'http://127.0.0.1:9/elements/api-v2' }).listInstances().catch((async) => {
      parentPort.postMessage([sync instanceof ea.ElementsAuthError, sync.code, async instanceof ea.ElementsAuthError, async.field])
    })
  `
  for (let i = 0; i < 2; i++) {
    const worker = new Worker(code, { eval: true })
    const [answer] = await Promise.all([
      new Promise((resolve, reject) => { worker.on('message', resolve); worker.on('error', reject) }),
      new Promise((resolve) => worker.on('exit', resolve)),
    ])
    assert.deepEqual(answer, [true, 'STATE_MISMATCH', true, 'userSecret'])
  }
})

test('callback and signature kinds; sandbox errors', () => {
  check(thrown(() => ea.parseCallback('https://app.example.com/cb?error=access_denied&error_description=No+thanks&state=s', 's')),
    'AUTHORIZATION_DENIED', { error: 'access_denied', description: 'No thanks', uri: null })
  check(thrown(() => ea.parseCallback('https://app.example.com/cb?code=abc&state=s', 't')), 'STATE_MISMATCH')
  check(thrown(() => ea.parseCallback('https://app.example.com/cb?foo=1', 's')), 'INVALID_CALLBACK')
  const body = '{"event":1}'
  const header = ea.signWebhook('webhook-signing-key', body)
  assert.match(header, /^sha256=/)
  assert.equal(ea.verifyWebhookSignature('webhook-signing-key', Buffer.from(body), header), undefined)
  check(thrown(() => ea.verifyWebhookSignature('other-key-xyz', body, header)), 'INVALID_SIGNATURE')
  assert.equal(ea.SIGNATURE_HEADER, 'Elements-Webhook-Signature')

  const sandbox = ea.Sandbox.start()
  try {
    check(thrown(() => sandbox.injectFault('explode')), 'SANDBOX')
    check(thrown(() => sandbox.approve('https://elsewhere.example/authorize')), 'SANDBOX')
    check(thrown(() => ea.Sandbox.start({ port: sandbox.port })), 'SANDBOX')
    check(thrown(() => ea.Sandbox.start({ userSecret: 'has space' })), 'SANDBOX')
  } finally {
    sandbox.stop()
  }
})

test('every error code was produced above', () => {
  assert.deepEqual([...seen].sort(), Object.values(ea.ErrorCode).sort())
})

test('no secret appears in messages, stacks, util.inspect or JSON of errors and results', async (t) => {
  const USER = 'user-secret-Zq81nT5w'
  const ORG = 'org-secret-Hx29vB4k'
  const API = 'api-secret-Mv73pL0c'
  const SIG = 'signature-key-Wd55sR8j'
  const { sandbox, client, stop } = setup({ userSecret: USER, organizationSecret: ORG })
  t.after(stop)
  // only for the call meant to time out; setup uses the normal timeout
  const fast = new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: USER, organizationSecret: ORG, timeoutMs: 300 })
  const outputs = []
  const secrets = [USER, ORG, API, SIG]
  const show = (x) => {
    outputs.push(util.inspect(x, { depth: Infinity, showHidden: true }), util.inspect(x), String(x), JSON.stringify(x) ?? '')
    if (x instanceof Error) outputs.push(x.message, x.stack)
  }
  const req = (code, extra = {}) => ({
    element: 'dropbox', code, name: 'n', apiKey: API_KEY, apiSecret: API, callbackUrl: CALLBACK,
    events: { vendorType: 'webhook', callbackUrl: 'https://app.example.com/hooks', signatureKey: SIG }, ...extra,
  })
  const grantFor = async () => {
    const url = await client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API, callbackUrl: CALLBACK })
    show(url)
    const grant = ea.parseCallback(sandbox.approve(url.oauthUrl), url.state)
    secrets.push(grant.code)
    show(grant)
    return grant
  }

  const instance = await client.createInstance(req((await grantFor()).code))
  secrets.push(instance.token)
  show(instance)
  show(await client.listInstances())
  show(client.getInstanceSync(instance.id))
  show(client)
  show(sandbox)

  // errors in every path that handled a secret
  show(await rejection(client.createInstance(req((await grantFor()).code, { apiKey: 'wrong-app' }))))
  for (const fault of ['slow:1500', 'drop', 'badjson', 'status:500']) {
    const { code } = await grantFor()
    sandbox.injectFault(fault, 1)
    show(await rejection((fault.startsWith('slow:') ? fast : client).createInstance(req(code))))
  }
  sandbox.injectFault('status:400', 1)
  show(await rejection(client.oauthUrl({ element: 'dropbox', apiKey: API_KEY, apiSecret: API, callbackUrl: CALLBACK })))
  show(await rejection(new ea.Client({ baseUrl: sandbox.baseUrl, userSecret: USER + 'x', organizationSecret: ORG }).listInstances()))
  show(await rejection(client.createInstance(req('', {}))))
  show(thrown(() => ea.verifyWebhookSignature(SIG, 'body', ea.signWebhook(SIG, 'other body'))))
  show(thrown(() => ea.parseCallback(`https://app.example.com/cb?code=${secrets[4]}&state=a`, 'b')))

  assert.ok(secrets.length >= 6)
  for (const out of outputs) {
    for (const s of secrets) assert.ok(!out.includes(s), `a secret leaked into: ${out.slice(0, 200)}`)
  }
})

test('request fields are read once each, from getters and prototypes too; a throwing or odd request is reported by field', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const reads = new Map()
  const counted = (target) => new Proxy(target, {
    get(obj, key, receiver) {
      reads.set(key, (reads.get(key) || 0) + 1)
      return Reflect.get(obj, key, receiver)
    },
  })
  const oauth = { element: 'concur', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, siteAddress: 'https://www.concursolutions.com', state: 'st-1' }
  for (const call of [(r) => client.oauthUrlSync(r), (r) => client.oauthUrl(r)]) {
    reads.clear()
    const url = await call(counted(oauth))
    assert.equal(url.state, 'st-1')
    assert.ok(url.oauthUrl.includes(`redirect_uri=${encodeURIComponent(CALLBACK)}`), url.oauthUrl)
    // every field the addon reads came with the call: none was looked up again
    assert.deepEqual([...reads.values()].filter((n) => n !== 1), [], JSON.stringify([...reads]))
    for (const key of Object.keys(oauth)) assert.equal(reads.get(key), 1, key)
  }
  // fields from a class's getters and from the prototype chain are read as before
  class Request { get element() { return 'concur' } }
  Object.assign(Request.prototype, { apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, siteAddress: oauth.siteAddress })
  const fromClass = client.oauthUrlSync(Object.assign(new Request(), { state: 'st-2' }))
  assert.equal(fromClass.state, 'st-2')
  // a getter that throws: its own error reaches the caller, as it is thrown
  const boom = new Error('boom')
  const throwing = { ...oauth, get apiSecret() { throw boom } }
  assert.equal(thrown(() => client.oauthUrlSync(throwing)), boom)
  assert.equal(thrown(() => client.oauthUrl(throwing)), boom)
  // not a plain object: the request itself is named
  check(thrown(() => client.createInstanceSync(['concur'])), 'INVALID_INPUT', { field: 'request', message: /must be an object/ })
  check(thrown(() => client.oauthUrlSync(null)), 'INVALID_INPUT', { field: 'request' })
  // a missing field is still named, on both paths
  check(thrown(() => client.createInstanceSync({ element: 'concur', code: 'c' })), 'INVALID_INPUT', { field: 'name' })
  assert.equal(sandbox.requests().filter((r) => r.path === '/instances').length, 0, 'nothing was created')
})
