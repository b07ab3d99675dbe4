'use strict'
// The node column of tests/surface.json against the real package, in both
// directions: every name the manifest gives exists, and every public name
// the package exposes is in the manifest.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { ea, setup, thrown, CALLBACK, API_KEY, API_SECRET } = require('./helpers')

// SURFACE_JSON points at another copy of the manifest (to see this test fail on an edited one).
const manifestPath = process.env.SURFACE_JSON || path.join(__dirname, '..', '..', 'tests', 'surface.json')
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
const bindingDts = fs.readFileSync(path.join(__dirname, '..', 'binding.d.ts'), 'utf8')
const indexDts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')

/** The group's items whose node value is a name (not `{ none: reason }`). */
function items(group) {
  const g = manifest.groups[group]
  assert.ok(g, `tests/surface.json has no group ${group}`)
  return g.items.filter((i) => typeof i.node === 'string')
}
const names = (group) => items(group).map((i) => i.node)
/** The name of one concept of a group. */
const named = (group, concept) => items(group).find((i) => i.concept === concept).node
/** The client group without its constructor: the getter and the calls. */
const clientMembers = () => items('client').filter((i) => i.concept !== 'new').map((i) => i.node)

/** Fails unless the manifest's names and the real names are the same sets. */
function same(label, listed, real) {
  const want = new Set(listed)
  const have = new Set(real)
  const missing = [...want].filter((n) => !have.has(n))
  const unlisted = [...have].filter((n) => !want.has(n))
  assert.deepEqual({ missing, unlisted }, { missing: [], unlisted: [] },
    `${label}: "missing" are in tests/surface.json but not in the package; "unlisted" are in the package but not in tests/surface.json`)
}

/** The keys of `export interface name` in binding.d.ts. */
function interfaceKeys(name) {
  const body = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(bindingDts)
  assert.ok(body, `binding.d.ts declares interface ${name}`)
  return [...body[1].matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1])
}

/** Own names of a prototype, split into getters and methods ('constructor' aside). */
function members(proto) {
  const getters = []
  const methods = []
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name)
    if (name === 'constructor') continue
    if (d.get) getters.push(name)
    else if (typeof d.value === 'function') methods.push(name)
    else assert.fail(`${name} on ${proto.constructor.name} is neither a getter nor a method`)
  }
  return { getters, methods }
}

/** `toJSON` is the JSON protocol, added by index.js for the masked views: not an API concept. */
function withoutViews({ getters, methods }, hasView) {
  assert.equal(methods.includes('toJSON'), hasView, 'masked toJSON view')
  return { getters, methods: methods.filter((m) => m !== 'toJSON') }
}

/** Static members: own names of the class beyond those of a plain (sloppy, like native) function. */
const functionOwn = Object.getOwnPropertyNames(Function(''))
const statics = (cls) => Object.getOwnPropertyNames(cls).filter((n) => !functionOwn.includes(n))

test('package exports: the functions, constants and types of the manifest', () => {
  const listed = new Set([...names('functions'), ...names('constants'), ...names('types'), named('client', 'new')])
  // The types that exist only in TypeScript: interfaces of plain objects.
  const typeOnly = [...listed].filter((n) => new RegExp(`export interface ${n} \\{`).test(bindingDts))
  const exported = Object.keys(require('..'))
  same('exports', [...listed].filter((n) => !typeOnly.includes(n)), exported)
  // every TypeScript-only type is exported by index.d.ts
  const reexported = /export type \{([^}]*)\} from '\.\/binding'/.exec(indexDts)[1].split(',').map((s) => s.trim()).filter(Boolean)
  same('TypeScript interfaces re-exported by index.d.ts', typeOnly, reexported)
  // and every runtime export is declared by index.d.ts
  for (const name of exported) {
    assert.match(indexDts, new RegExp(`(^|[\\s{,])${name}([\\s,}:]|$)`, 'm'), `index.d.ts declares ${name}`)
  }
})

test('Client: each call with its ...Sync twin, and the baseUrl getter', () => {
  const { getters, methods } = withoutViews(members(ea.Client.prototype), true)
  const calls = methods.filter((m) => !m.endsWith('Sync'))
  for (const m of calls) assert.ok(methods.includes(`${m}Sync`), `${m} has its ${m}Sync twin`)
  for (const m of methods.filter((m) => m.endsWith('Sync'))) assert.ok(calls.includes(m.slice(0, -4)), `${m} twins a Promise call`)
  same('client', clientMembers(), [...getters, ...calls])
  same('Client statics', [], statics(ea.Client))
})

test('Sandbox: methods, getters and the start factory', () => {
  const { getters, methods } = withoutViews(members(ea.Sandbox.prototype), true)
  same('sandbox', names('sandbox'), [...statics(ea.Sandbox), ...getters, ...methods])
  assert.deepEqual(statics(ea.Sandbox), ['start'])
})

test('option keys of the TypeScript interfaces in binding.d.ts', () => {
  for (const [group, name] of [
    ['client_options', 'ClientOptions'],
    ['oauth_url_request', 'OAuthUrlRequest'],
    ['create_instance_request', 'CreateInstanceRequest'],
    ['events', 'Events'],
    ['sandbox_options', 'SandboxOptions'],
    ['oauth_url', 'OAuthUrl'],
  ]) {
    same(`${group} (interface ${name})`, names(group), interfaceKeys(name))
  }
})

test('result getters (Grant, Instance) and the keys of a real OAuthUrl', (t) => {
  for (const [group, cls] of [['grant', ea.Grant], ['instance', ea.Instance]]) {
    const { getters, methods } = withoutViews(members(cls.prototype), true)
    same(group, names(group), getters)
    assert.deepEqual(methods, [], `${cls.name} has getters only`)
  }
  const { client, stop } = setup()
  t.after(stop)
  const url = client.oauthUrlSync({ element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK })
  same('oauth_url (a real answer)', names('oauth_url'), Object.keys(url))
})

test('error fields: the own properties of real ElementsAuthErrors', async (t) => {
  const { client, stop } = setup()
  t.after(stop)
  const errors = [
    thrown(() => ea.parseCallback('https://app.example.com/cb?error=access_denied&state=s', 's')),
    await client.getInstance(0).catch((e) => e),
    thrown(() => ea.Sandbox.start({ userSecret: 'has space' })),
  ]
  for (const err of errors) {
    assert.ok(err instanceof ea.ElementsAuthError)
    // `stack` is JavaScript's; `code` is the error_kinds group's ("Node: ElementsAuthError.code").
    const own = Object.getOwnPropertyNames(err).filter((n) => n !== 'stack' && n !== 'code')
    same(`error_fields (${err.code})`, names('error_fields'), own)
    assert.ok(Object.values(ea.ErrorCode).includes(err.code))
  }
  // operation values, as index.d.ts types them, are the Client's Promise calls
  const declared = /readonly operation: ([^\n]*)/.exec(indexDts)[1]
  const calls = members(ea.Client.prototype).methods.filter((m) => !m.endsWith('Sync') && m !== 'toJSON')
  same('operation values in index.d.ts', calls, [...declared.matchAll(/'(\w+)'/g)].map((m) => m[1]))
})

test('ErrorCode: the error kinds in their shared order, then SANDBOX', () => {
  // SANDBOX: the manifest's types.sandbox_error says how Node spells a sandbox failure.
  const sandboxError = manifest.groups.types.items.find((i) => i.concept === 'sandbox_error').node.none
  const extra = /code (\w+)/.exec(sandboxError)[1]
  assert.equal(extra, 'SANDBOX')
  assert.deepEqual(Object.keys(ea.ErrorCode), [...names('error_kinds'), extra])
  assert.deepEqual(Object.values(ea.ErrorCode), Object.keys(ea.ErrorCode))
  assert.ok(Object.isFrozen(ea.ErrorCode))
  const union = /export type ErrorCodeName =([\s\S]*?)\n\n/.exec(indexDts)[1]
  same('ErrorCodeName in index.d.ts', Object.keys(ea.ErrorCode), [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]))
})

test('every key of every TypeScript interface is read under its own name', (t) => {
  // A Symbol is the wrong type for every option: each key must be refused
  // as INVALID_INPUT naming exactly that key, with the value not shown.
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const bad = Symbol('not-a-valid-value')
  const oauth = { element: 'dropbox', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK }
  const create = { ...oauth, code: 'c0de', name: 'n' }
  const events = { vendorType: 'polling', callbackUrl: CALLBACK }
  const cases = {
    ClientOptions: [(k) => new ea.Client({ [k]: bad }), ''],
    SandboxOptions: [(k) => ea.Sandbox.start({ [k]: bad }), ''],
    OAuthUrlRequest: [(k) => client.oauthUrlSync({ ...oauth, [k]: bad }), ''],
    CreateInstanceRequest: [(k) => client.createInstanceSync({ ...create, [k]: bad }), ''],
    Events: [(k) => client.createInstanceSync({ ...create, events: { ...events, [k]: bad } }), 'events.'],
    StateSignerOptions: [(k) => new ea.StateSigner({ keyId: 'k1', secret: 'surface-test-secret-0123456789abcdef', [k]: bad }), ''],
  }
  for (const [name, [call, prefix]] of Object.entries(cases)) {
    for (const key of interfaceKeys(name)) {
      const err = thrown(() => call(key))
      assert.ok(err instanceof ea.ElementsAuthError, `${name}.${key}: ${err}`)
      assert.equal(err.code, 'INVALID_INPUT', `${name}.${key}`)
      assert.equal(err.field, prefix + key, `${name}.${key}: ${err.message}`)
      assert.ok(!err.message.includes('not-a-valid-value'), err.message)
    }
  }
  assert.equal(sandbox.requests().length, 0, 'nothing was sent')
})

// --- events ---

test('events: the keys of EventNotification, NotificationEvent, Delivery and TriggerEvent', () => {
  for (const [group, name] of [
    ['event_notification', 'EventNotification'],
    ['notification_event', 'NotificationEvent'],
    ['delivery', 'Delivery'],
    ['trigger_event', 'TriggerEvent'],
  ]) {
    same(`${group} (interface ${name})`, names(group), interfaceKeys(name))
  }
})

test('events: every key of TriggerEvent is read under its own name', (t) => {
  const { sandbox, stop } = setup()
  t.after(stop)
  const bad = Symbol('not-a-valid-value')
  for (const key of interfaceKeys('TriggerEvent')) {
    const err = thrown(() => sandbox.triggerEvent({ instanceId: 1, objectType: 'reports', [key]: bad }))
    assert.equal(err.code, 'INVALID_INPUT', key)
    assert.equal(err.field, key)
  }
  assert.deepEqual(sandbox.deliveries(), [])
})

test('StateSigner: the class, the keys of StateSignerOptions, getters and methods; StateClaims keys', () => {
  const { getters, methods } = withoutViews(members(ea.StateSigner.prototype), true)
  same('state_signer', names('state_signer'), ['StateSigner', ...interfaceKeys('StateSignerOptions'), ...getters, ...methods])
  same('StateSigner statics', [], statics(ea.StateSigner))
  same('state_claims (interface StateClaims)', names('state_claims'), interfaceKeys('StateClaims'))
  const signer = new ea.StateSigner({ keyId: 'k1', secret: 'surface-test-secret-0123456789abcdef' })
  same('state_claims (a real answer)', names('state_claims'), Object.keys(signer.verify(signer.sign('concur', 'u'), 'u')))
})
