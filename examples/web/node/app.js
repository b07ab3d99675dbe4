'use strict'
// Connect an end user's account from a web service: Express, the elements-auth
// Client and StateSigner. Any number of replicas can run behind one callback
// URL: they share the state key, the session key and the database, and
// nothing else.
//
//   npm start          # http://127.0.0.1:3000, against an embedded sandbox
//
// Configuration (environment): see README.md beside this file.

const crypto = require('node:crypto')
const express = require('express')
const Database = require('better-sqlite3')
const {
  Client, Sandbox, StateSigner, ElementsAuthError, SIGNATURE_HEADER, parseEventNotification, verifyWebhookSignature,
} = require('elements-auth')

// The elements users can connect.
const ELEMENTS = { concur: 'SAP Concur', dropbox: 'Dropbox' }
// Concur supports polling events only: the platform polls the resources named here.
const CONCUR_POLLER = { reports: { url: '/hubs/expense/reports', idField: 'ID' } }
const RECENT_EVENTS = 20
const SESSION_COOKIE = 'session'
const SESSION_SECONDS = 8 * 3600

const env = process.env
function randomSecret(name) {
  console.warn(`${name} is not set: using a random one, which other replicas do not share`)
  return crypto.randomBytes(32).toString('base64url')
}
const settings = {
  port: Number(env.PORT || 3000),
  host: env.HOST || '127.0.0.1',
  baseUrl: env.ELEMENTS_BASE_URL,
  apiKey: env.ELEMENTS_API_KEY || 'demo-app-client-id',
  apiSecret: env.ELEMENTS_API_SECRET || 'demo-app-client-secret',
  concurSite: env.CONCUR_SITE_ADDRESS || 'https://www.concursolutions.com',
  // Each new instance signs its event notifications with the current key; after a rotation
  // the instances created before it still sign with the previous one.
  eventsKey: env.EVENTS_SIGNATURE_KEY || randomSecret('EVENTS_SIGNATURE_KEY'),
  eventsPreviousKey: env.EVENTS_PREVIOUS_SIGNATURE_KEY || '',
  stateKeyId: env.STATE_KEY_ID || 'k1',
  stateSecret: env.STATE_SECRET || randomSecret('STATE_SECRET'),
  // "id:secret,id:secret": keys used before a rotation, which still verify.
  statePrevious: env.STATE_PREVIOUS_KEYS || '',
  stateTtl: Number(env.STATE_TTL_SECONDS || 600),
  sessionSecret: env.SESSION_SECRET || randomSecret('SESSION_SECRET'),
  database: env.DATABASE || 'connections.sqlite3',
  // "user:password,user:password": the demo's users.
  users: env.DEMO_USERS || 'alice:alice-password,bob:bob-password',
  name: env.REPLICA_NAME || '',
}
// The address every replica is reached at: the OAuth callback and the events route hang off it.
settings.publicUrl = (env.PUBLIC_URL || `http://${settings.host}:${settings.port}`).replace(/\/+$/, '')
settings.callbackUrl = env.CALLBACK_URL || `${settings.publicUrl}/oauth/callback`
settings.eventsUrl = `${settings.publicUrl}/events`
// The keys a notification may be signed with: the current one, then the previous one.
const signatureKeys = [settings.eventsKey, settings.eventsPreviousKey].filter(Boolean)
/** The events of a new instance of `element`, sent to this app's `/events`. */
function eventsFor(element) {
  if (element === 'concur') {
    return {
      vendorType: 'polling', callbackUrl: settings.eventsUrl, signatureKey: settings.eventsKey, refreshInterval: 15, pollerConfiguration: CONCUR_POLLER,
    }
  }
  return { vendorType: 'webhook', callbackUrl: settings.eventsUrl, signatureKey: settings.eventsKey }
}

const pairs = (text) => text.split(',').filter(Boolean).map((p) => [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)])
const signer = new StateSigner({
  keyId: settings.stateKeyId,
  secret: settings.stateSecret,
  ttlSeconds: settings.stateTtl,
  previous: pairs(settings.statePrevious).map(([keyId, secret]) => ({ keyId, secret })),
})
const passwords = new Map(pairs(settings.users))

// --- the platform: the configured one, or an embedded sandbox with a real consent page ---
let sandbox = null
let client
if (settings.baseUrl) {
  client = new Client({ fromEnv: true, timeoutMs: 30_000 })
} else {
  sandbox = Sandbox.start({ autoConsent: false })
  client = new Client({ baseUrl: sandbox.baseUrl, userSecret: sandbox.userSecret, organizationSecret: sandbox.organizationSecret })
  console.warn(`no ELEMENTS_BASE_URL: using an embedded sandbox at ${sandbox.baseUrl}`)
}

// --- the database: one row per connected account; the token never leaves it ---
const db = new Database(settings.database, { timeout: 10_000 })
db.pragma('journal_mode = WAL')
db.exec(`CREATE TABLE IF NOT EXISTS connections (id INTEGER PRIMARY KEY, user TEXT NOT NULL,
  element TEXT NOT NULL, instance_id INTEGER NOT NULL, instance_name TEXT NOT NULL,
  element_token TEXT NOT NULL, created_at INTEGER NOT NULL)`)
const insert = db.prepare(`INSERT INTO connections (user, element, instance_id, instance_name, element_token, created_at)
  VALUES (?, ?, ?, ?, ?, ?)`)
const select = db.prepare('SELECT element, instance_name, created_at FROM connections WHERE user = ? ORDER BY id')
// One row per event id ever handled, by any replica: the primary key makes a replay a no-op.
db.exec(`CREATE TABLE IF NOT EXISTS handled_events (event_id TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, user TEXT NOT NULL,
  instance_id INTEGER NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL,
  event_type TEXT NOT NULL, received_at INTEGER NOT NULL)`)
const markHandled = db.prepare('INSERT OR IGNORE INTO handled_events (event_id, received_at) VALUES (?, ?)')
const ownerOf = db.prepare('SELECT user FROM connections WHERE instance_id = ?')
const insertEvent = db.prepare(`INSERT INTO events (event_id, user, instance_id, object_type, object_id, event_type, received_at)
  VALUES (?, ?, ?, ?, ?, ?, ?)`)
const selectEvents = db.prepare(`SELECT e.event_id, c.instance_name, e.object_type, e.object_id, e.event_type, e.received_at
  FROM events e JOIN connections c ON c.instance_id = e.instance_id WHERE e.user = ? ORDER BY e.id DESC LIMIT ?`)
/**
 * Marks the notification's event id handled and records its events for the user who connected
 * its instance, in one transaction; returns whether the id was new (not a platform retry or a
 * replay, on this replica or another) and that user (null for an unknown instance).
 */
const recordEvents = db.transaction((notification) => {
  const now = Math.floor(Date.now() / 1000)
  if (markHandled.run(notification.eventId, now).changes === 0) return { isNew: false, user: null }
  const owner = ownerOf.get(notification.instanceId)
  if (!owner) return { isNew: true, user: null }
  for (const e of notification.events) {
    insertEvent.run(notification.eventId, owner.user, notification.instanceId, e.objectType, e.objectId, e.eventType, now)
  }
  return { isNew: true, user: owner.user }
})

// --- the signed session cookie: who is signed in ---
const sessionMac = (value) => crypto.createHmac('sha256', settings.sessionSecret).update(value).digest('hex')
function sessionCookie(user) {
  const value = `${user}|${Math.floor(Date.now() / 1000) + SESSION_SECONDS}`
  return `${value}|${sessionMac(value)}`
}
function cookies(req) {
  const out = {}
  for (const part of (req.headers.cookie || '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim())
  }
  return out
}
/** The user of a valid session cookie, or null. */
function signedIn(req) {
  const [user, expires, mac] = (cookies(req)[SESSION_COOKIE] || '').split('|')
  if (!user || !/^\d+$/.test(expires || '') || !mac) return null
  const want = Buffer.from(sessionMac(`${user}|${expires}`))
  const got = Buffer.from(mac)
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null
  return Number(expires) * 1000 > Date.now() ? user : null
}

// --- pages ---
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
function page(res, title, body, { status = 200, user = null } = {}) {
  const who = user
    ? `<form method="post" action="/logout">Signed in as <b id="user">${escape(user)}</b> <button id="logout">Sign out</button></form>`
    : ''
  const replica = settings.name ? `<footer>served by <span id="replica">${escape(settings.name)}</span></footer>` : ''
  res.status(status).type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto} .error{color:#a40000}
li{margin:.4em 0} footer{margin-top:3em;color:#777;font-size:small}</style></head>
<body>${who}<h1 id="title">${escape(title)}</h1>${body}${replica}</body></html>`)
}
function errorPage(res, title, message, status, user) {
  page(res, title, `<p class="error" id="error">${escape(message)}</p><p><a id="start-again" href="/connections">Start again</a></p>`,
    { status, user })
}
function stateError(res, err, user) {
  if (err.mismatch === 'expired') {
    return errorPage(res, 'This sign-in expired', 'It took too long to come back: connect the account again.', 400, user)
  }
  return errorPage(res, 'This sign-in is not yours',
    'The link you followed was not started by you in this browser, or was altered. Nothing was connected.', 400, user)
}

const LOGIN_FORM = `<form method="post" action="/login">
<p><label>User <input id="username" name="username" autocomplete="username"></label></p>
<p><label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label></p>
<p><button id="sign-in">Sign in</button></p></form>`

const app = express()
app.disable('x-powered-by')
app.use(express.urlencoded({ extended: false }))
// The path alone: a callback's query holds the code and the state.
app.use((req, res, next) => {
  res.on('finish', () => console.log(`${req.method} ${req.path} ${res.statusCode}`))
  next()
})

app.get('/', (req, res) => res.redirect(303, signedIn(req) ? '/connections' : '/login'))
app.get('/login', (req, res) => page(res, 'Sign in', LOGIN_FORM))
app.post('/login', (req, res) => {
  const user = String(req.body.username || '')
  const password = Buffer.from(String(req.body.password || ''))
  const expected = Buffer.from(passwords.get(user) ?? '\0')
  if (!passwords.has(user) || password.length !== expected.length || !crypto.timingSafeEqual(password, expected)) {
    return page(res, 'Sign in', `<p class="error" id="error">Unknown user or wrong password.</p>${LOGIN_FORM}`, { status: 401 })
  }
  res.cookie(SESSION_COOKIE, sessionCookie(user), { maxAge: SESSION_SECONDS * 1000, httpOnly: true, sameSite: 'lax' })
  res.redirect(303, '/connections')
})
app.post('/logout', (req, res) => {
  res.clearCookie(SESSION_COOKIE)
  res.redirect(303, '/login')
})

app.get('/connections', (req, res) => {
  const user = signedIn(req)
  if (!user) return res.redirect(303, '/login')
  const rows = select.all(user)
  const when = (t, length = 16) => `${new Date(t * 1000).toISOString().slice(0, length).replace('T', ' ')} UTC`
  const items = rows.map((r) => `<li data-element="${escape(r.element)}">${escape(ELEMENTS[r.element] || r.element)}: ${escape(r.instance_name)}, connected ${when(r.created_at)}</li>`).join('')
  const listed = rows.length ? `<ul id="connections">${items}</ul>` : '<p id="none">No account connected yet.</p>'
  const links = Object.entries(ELEMENTS).map(([key, name]) => `<li><a id="connect-${key}" href="/connect/${key}">Connect ${escape(name)}</a></li>`).join('')
  const events = selectEvents.all(user, RECENT_EVENTS).map((e) => `<li data-event-id="${escape(e.event_id)}">${escape(e.instance_name)}: ${escape(e.object_type)} ${escape(e.object_id)} ${escape(e.event_type)}, ${when(e.received_at, 19)}</li>`).join('')
  const recent = events ? `<ul id="events">${events}</ul>` : '<p id="no-events">No event yet.</p>'
  page(res, 'Your connections', `${listed}<h2>Connect an account</h2><ul>${links}</ul><h2>Recent events</h2>${recent}`, { user })
})

app.get('/connect/:element', async (req, res) => {
  const user = signedIn(req)
  if (!user) return res.redirect(303, '/login')
  const element = req.params.element
  if (!Object.hasOwn(ELEMENTS, element)) return errorPage(res, 'Unknown account type', `${element} cannot be connected here.`, 404, user)
  try {
    const url = await client.oauthUrl({
      element,
      apiKey: settings.apiKey,
      apiSecret: settings.apiSecret,
      callbackUrl: settings.callbackUrl,
      state: signer.sign(element, user),
      siteAddress: element === 'concur' ? settings.concurSite : undefined,
    })
    res.redirect(303, url.oauthUrl)
  } catch (err) {
    console.warn(`oauthUrl failed: ${err.message}`)
    errorPage(res, 'The platform is unavailable', 'Try again in a moment.', 502, user)
  }
})

app.get('/oauth/callback', async (req, res) => {
  const user = signedIn(req)
  if (!user) return errorPage(res, 'Sign in first', 'Sign in, then connect the account again.', 401, null)
  let grant
  let element
  try {
    grant = signer.parseCallback(req.originalUrl, user)
    element = signer.verify(grant.state, user).element
  } catch (err) {
    if (!(err instanceof ElementsAuthError)) throw err
    if (err.code === 'STATE_MISMATCH') {
      console.log(`callback refused: state ${err.mismatch}`)
      return stateError(res, err, user)
    }
    if (err.code === 'AUTHORIZATION_DENIED') {
      return errorPage(res, 'Connection declined', 'You declined access at the provider. Nothing was connected.', 400, user)
    }
    return errorPage(res, 'Invalid callback', 'The provider sent an answer this app cannot read.', 400, user)
  }
  const name = `${ELEMENTS[element] || element} of ${user}`
  try {
    const instance = await client.createInstance({
      element, code: grant.code, name, apiKey: settings.apiKey, apiSecret: settings.apiSecret, callbackUrl: settings.callbackUrl, tags: [user], events: eventsFor(element),
    })
    insert.run(user, element, instance.id, instance.name, instance.token, Math.floor(Date.now() / 1000))
    console.log(`connected ${element} for ${user}`)
    res.redirect(303, '/connections')
  } catch (err) {
    console.warn(`createInstance failed: ${err.message} (may have reached the server: ${err.mayHaveReachedServer})`)
    errorPage(res, 'Could not connect the account', 'The platform refused or did not answer.', 502, user)
  }
})

// The platform's event notifications: the signature is checked on the raw body before anything
// is parsed, and an event id already handled (by any replica) is answered 200 and ignored, since
// the signature has no timestamp and a replay verifies. The platform retries a non-2xx answer,
// so the work done before answering is only recording the event.
app.post('/events', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) // no body: req.body is undefined
  let notification
  try {
    verifyWebhookSignature(signatureKeys, body, req.get(SIGNATURE_HEADER) ?? '')
    notification = parseEventNotification(body)
  } catch (err) {
    if (err instanceof ElementsAuthError && err.code === 'INVALID_SIGNATURE') {
      console.warn('event refused: the signature does not verify')
      return res.sendStatus(401)
    }
    if (err instanceof ElementsAuthError && err.code === 'DECODE') {
      console.warn('event refused: not an event notification')
      return res.sendStatus(400)
    }
    throw err
  }
  const { isNew, user } = recordEvents(notification)
  if (!isNew) {
    console.log(`event ${notification.eventId}: already handled`)
    return res.sendStatus(200)
  }
  if (user === null) console.log(`event ${notification.eventId}: its instance is no connection here`)
  else console.log(`event ${notification.eventId}: ${notification.events.length} recorded for ${user}`)
  res.sendStatus(202)
})

const server = app.listen(settings.port, settings.host, () => {
  console.log(`listening on http://${settings.host}:${settings.port} (callback ${settings.callbackUrl})`)
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => {
      db.close()
      if (sandbox) sandbox.stop()
      process.exit(0)
    })
    server.closeAllConnections()
  })
}
