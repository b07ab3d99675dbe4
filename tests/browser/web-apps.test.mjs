// End-to-end: the example web apps (examples/web/python, FastAPI; examples/web/node,
// Express), two replicas of each sharing the signing key and the database, the
// sandbox in manual-consent mode, and a real headless Chromium (the system's
// /usr/bin/chromium, driven by playwright-core) clicking through them. Events
// too: the sandbox delivers a signed notification to the apps' /events route,
// which must show it once whichever replica receives it (or a replay of it).
//
// Run by scripts/test-web.sh, which sets WEB_PYTHON (the venv's python),
// ELEMENTS_AUTH_NODE (the built node/ package) and SCREENSHOT_DIR.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = process.env.SCREENSHOT_DIR;
const PYTHON = process.env.WEB_PYTHON;
assert.ok(SHOTS, 'SCREENSHOT_DIR must be set');
assert.ok(PYTHON, 'WEB_PYTHON must point at a python with elements_auth, fastapi and uvicorn');
mkdirSync(SHOTS, { recursive: true });
const { Sandbox, signWebhook, SIGNATURE_HEADER } = createRequire(import.meta.url)(process.env.ELEMENTS_AUTH_NODE || join(ROOT, 'node'));

const APPS = {
  python: { cwd: join(ROOT, 'examples/web/python'), command: [PYTHON, 'app.py'] },
  node: { cwd: join(ROOT, 'examples/web/node'), command: [process.execPath, 'app.js'] },
};
const API_SECRET = 'web-test-api-secret-5d8e1f';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
after(() => browser.close());

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts one replica of an app; resolves once it serves its sign-in page. */
async function replica(app, name, port, env) {
  const { cwd, command } = APPS[app];
  const child = spawn(command[0], command.slice(1), {
    cwd, env: { ...process.env, ...env, PORT: String(port), REPLICA_NAME: name }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  child.stdout.on('data', (c) => { out.text += c; });
  child.stderr.on('data', (c) => { out.text += c; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/login`)).status === 200) break;
    } catch { /* not listening yet */ }
    if (i > 300 || child.exitCode !== null) throw new Error(`${app} replica ${name} did not start: ${out.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, out, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** Everything one app's scenarios share: a sandbox, three replicas, one database. */
async function deployment(app) {
  const sandbox = Sandbox.start({ autoConsent: false });
  const dir = mkdtempSync(join(tmpdir(), `ea-web-${app}-`));
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ELEMENTS_BASE_URL: sandbox.baseUrl,
    ELEMENTS_USER_SECRET: sandbox.userSecret,
    ELEMENTS_ORGANIZATION_SECRET: sandbox.organizationSecret,
    ELEMENTS_API_KEY: `web-test-${app}`,
    ELEMENTS_API_SECRET: API_SECRET,
    STATE_KEY_ID: 'k2026',
    STATE_SECRET: randomBytes(32).toString('base64url'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    // Events: new instances sign with the current key; the previous one still verifies.
    EVENTS_SIGNATURE_KEY: randomBytes(24).toString('base64url'),
    EVENTS_PREVIOUS_SIGNATURE_KEY: randomBytes(24).toString('base64url'),
    DATABASE: join(dir, 'connections.sqlite3'),
    // The one public address, hence the OAuth callback and the events URL: replica B,
    // whichever replica started the sign-in.
    PUBLIC_URL: `http://127.0.0.1:${b}`,
  };
  const A = await replica(app, 'A', a, env);
  const B = await replica(app, 'B', b, env);
  // A third replica whose states live one second, for the expiry scenario.
  const C = await replica(app, 'C', c, { ...env, STATE_TTL_SECONDS: '1' });
  const secrets = [
    env.STATE_SECRET, env.SESSION_SECRET, API_SECRET, sandbox.userSecret, sandbox.organizationSecret,
    env.EVENTS_SIGNATURE_KEY, env.EVENTS_PREVIOUS_SIGNATURE_KEY,
  ];
  return {
    sandbox, A, B, C, secrets, eventsKeys: [env.EVENTS_SIGNATURE_KEY, env.EVENTS_PREVIOUS_SIGNATURE_KEY],
    logs: () => A.out.text + B.out.text + C.out.text,
    stop: async () => {
      await Promise.all([A.stop(), B.stop(), C.stop()]);
      sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const creates = (sandbox) => sandbox.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/instances')).length;

async function shot(page, app, name) {
  const path = join(SHOTS, `web-${app}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  assert.ok(statSync(path).size > 1000, `${path} is a real PNG`);
}

/** A new browser profile signed in as `user` on `replicaUrl`; the page is on the connections list. */
async function signIn(replicaUrl, user, app, shotName) {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${replicaUrl}/login`);
  await page.fill('#username', user);
  await page.fill('#password', `${user}-password`);
  if (shotName) await shot(page, app, shotName);
  await Promise.all([page.waitForURL(`${replicaUrl}/connections`), page.click('#sign-in')]);
  assert.equal(await page.locator('#user').innerText(), user);
  return { context, page };
}

/** From the connections list, starts connecting `element`: resolves on the sandbox's consent page. */
async function toConsent(page, element = 'dropbox', name = 'Dropbox') {
  await Promise.all([page.waitForURL(new RegExp(`/vendor/${element}/oauth2/authorize\\?`)), page.click(`#connect-${element}`)]);
  assert.equal(await page.locator('h1').innerText(), `Sign in to ${name} (sandbox)`);
  const state = new URL(page.url()).searchParams.get('state');
  assert.match(state, /^v1\.k2026\./, 'the consent page got a signed state');
  assert.ok(state.length < 200);
  for (const user of ['alice', 'bob']) assert.ok(!state.includes(user), 'the state never shows the user');
  return state;
}

/** The delivery of `eventId` once the sandbox is done with it (delivered, or failed after every retry). */
async function delivered(sandbox, eventId) {
  for (;;) {
    const delivery = sandbox.deliveries().find((x) => x.eventId === eventId);
    if (delivery && delivery.state !== 'pending') return delivery;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** POSTs a notification body to a replica's /events, as the platform does; resolves to the status. */
async function postEvent(replicaUrl, body, signature) {
  const res = await fetch(`${replicaUrl}/events`, {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature },
  });
  return res.status;
}

/** `body` (a notification the sandbox sent) as another event: a new event id and object id. */
function anotherEvent(body, eventId, objectId) {
  const n = JSON.parse(body);
  n.eventId = eventId;
  n.response.events[0].objectId = objectId;
  return JSON.stringify(n);
}

/** Alice's recent events as her page lists them, read in a fresh browser profile on `replicaUrl`. */
async function eventsShown(replicaUrl, app) {
  const { context, page } = await signIn(replicaUrl, 'alice', app);
  const items = await page.locator('#events li').allInnerTexts();
  return { context, page, items };
}

for (const app of Object.keys(APPS)) {
  test(`${app} app: two replicas, a real browser, one instance`, async (t) => {
    const d = await deployment(app);
    t.after(d.stop);
    let aliceCallback;

    await t.test('alice starts on replica A, allows, lands on replica B, which shows the connection', async () => {
      const { context, page } = await signIn(d.A.url, 'alice', app, '1-sign-in');
      await shot(page, app, '2-no-connections');
      assert.equal(await page.locator('#replica').innerText(), 'A');
      page.on('request', (r) => { if (r.url().includes('/oauth/callback?')) aliceCallback = r.url(); });
      await toConsent(page);
      await shot(page, app, '3-consent');
      await Promise.all([page.waitForURL(`${d.B.url}/connections`), page.click('#allow')]);
      assert.ok(aliceCallback.startsWith(`${d.B.url}/oauth/callback?`), aliceCallback);
      assert.equal(await page.locator('#replica').innerText(), 'B');
      const item = page.locator('#connections li[data-element="dropbox"]');
      assert.match(await item.innerText(), /Dropbox: Dropbox of alice, connected/);
      await shot(page, app, '4-connected-on-B');
      const instances = d.sandbox.instances();
      assert.equal(instances.length, 1, 'the sandbox holds exactly one instance');
      assert.deepEqual(instances[0].tags.map((t) => (typeof t === 'string' ? t : t.name)), ['alice']);
      const shown = await page.content();
      assert.ok(!shown.includes(instances[0].token), 'the page never shows the element token');
      // Replica A reads the same database.
      await page.goto(`${d.A.url}/connections`);
      assert.equal(await page.locator('#connections li').count(), 1);
      await context.close();
    });

    await t.test("an event on alice's instance: delivered to B, shown on her page, replays and forgeries ignored", async () => {
      const [instance] = d.sandbox.instances();
      const config = instance.configuration;
      assert.equal(config['event.notification.enabled'], 'true');
      assert.equal(config['event.vendor.type'], 'webhook', 'Dropbox calls back');
      assert.equal(config['event.notification.callback.url'], `${d.B.url}/events`, 'the public URL, whichever replica created it');
      const eventId = d.sandbox.triggerEvent({ instanceId: instance.id, objectType: 'files', eventType: 'CREATED', objectId: 'id:receipts.pdf' });
      const delivery = await delivered(d.sandbox, eventId);
      assert.equal(delivery.state, 'delivered');
      assert.equal(delivery.url, `${d.B.url}/events`);
      assert.deepEqual(delivery.attempts, [202], 'accepted at the first attempt');
      assert.equal(delivery.signature, signWebhook(d.eventsKeys[0], delivery.body), 'signed with the current key');

      const { context, page, items } = await eventsShown(d.A.url, app);
      assert.deepEqual(items.map((i) => i.replace(/, [^,]+ UTC$/, '')), ['Dropbox of alice: files id:receipts.pdf CREATED']);
      assert.equal(await page.locator(`#events li[data-event-id="${eventId}"]`).count(), 1);
      await shot(page, app, '8-event');
      const shown = await page.content();
      assert.ok(!shown.includes(delivery.signature) && !d.eventsKeys.some((k) => shown.includes(k)), 'no signature or key in the page');
      await context.close();

      // The same notification replayed to the other replica verifies (no timestamp) and is ignored.
      assert.equal(await postEvent(d.A.url, delivery.body, delivery.signature), 200);
      // A new event signed with a key that is not ours; a body that is no notification.
      const forged = anotherEvent(delivery.body, 9001, 'id:forged.pdf');
      assert.equal(await postEvent(d.A.url, forged, signWebhook('not-the-apps-key', forged)), 401);
      assert.equal(await postEvent(d.B.url, forged, delivery.signature), 401);
      assert.equal(await postEvent(d.A.url, '{"not": "a notification"}', signWebhook(d.eventsKeys[0], '{"not": "a notification"}')), 400);
      // An instance created before the key rotation still signs with the previous key.
      const rotated = anotherEvent(delivery.body, 9002, 'id:rotated.pdf');
      assert.equal(await postEvent(d.A.url, rotated, signWebhook(d.eventsKeys[1], rotated)), 202);

      const after = await eventsShown(d.B.url, app);
      assert.deepEqual(after.items.map((i) => i.replace(/, [^,]+ UTC$/, '')), [
        'Dropbox of alice: files id:rotated.pdf CREATED',
        'Dropbox of alice: files id:receipts.pdf CREATED',
      ], 'one row per event: the replay and the forgery added nothing');
      await after.context.close();
      const bob = await signIn(d.A.url, 'bob', app);
      assert.equal(await bob.page.locator('#no-events').count(), 1, "alice's events are not bob's");
      await bob.context.close();
    });

    await t.test("bob replaying alice's callback URL gets the error page and creates nothing", async () => {
      const { context, page } = await signIn(d.A.url, 'bob', app);
      const before = creates(d.sandbox);
      const res = await page.goto(aliceCallback);
      assert.equal(res.status(), 400);
      assert.equal(await page.locator('#title').innerText(), 'This sign-in is not yours');
      assert.equal(await page.locator('#start-again').getAttribute('href'), '/connections');
      await shot(page, app, '5-replayed-by-another-user');
      assert.equal(creates(d.sandbox), before, 'no create was sent');
      assert.equal(d.sandbox.instances().length, 1);
      await page.click('#start-again');
      assert.equal(await page.locator('#none').count(), 1, 'bob has no connection');
      await context.close();
    });

    await t.test('a sign-in that outlives its state gets the expiry page', async () => {
      const { context, page } = await signIn(d.C.url, 'alice', app);
      const state = await toConsent(page);
      // The state of replica C lives 1 s: wait until it has expired.
      const [, , payload] = state.split('.');
      const expires = Buffer.from(payload, 'base64url').readBigUInt64BE(Buffer.from(payload, 'base64url').length - 8);
      while (BigInt(Math.floor(Date.now() / 1000)) < expires + 1n) await new Promise((r) => setTimeout(r, 200));
      await Promise.all([page.waitForURL(/\/oauth\/callback\?/), page.click('#allow')]);
      assert.equal(await page.locator('#title').innerText(), 'This sign-in expired');
      assert.equal(await page.locator('#replica').innerText(), 'B');
      assert.equal(await page.locator('#start-again').count(), 1);
      await shot(page, app, '6-expired');
      assert.equal(d.sandbox.instances().length, 1);
      await context.close();
    });

    await t.test('a denial at the consent page gets the declined page', async () => {
      const { context, page } = await signIn(d.A.url, 'alice', app);
      await toConsent(page);
      await Promise.all([page.waitForURL(/\/oauth\/callback\?/), page.click('#deny')]);
      assert.equal(await page.locator('#title').innerText(), 'Connection declined');
      await shot(page, app, '7-denied');
      assert.equal(d.sandbox.instances().length, 1);
      await context.close();
    });

    await t.test('alice connects Concur: a polling instance whose reports events reach her page', async () => {
      const { context, page } = await signIn(d.A.url, 'alice', app);
      await toConsent(page, 'concur', 'Concur');
      await Promise.all([page.waitForURL(`${d.B.url}/connections`), page.click('#allow')]);
      const concur = d.sandbox.instances().find((i) => i.element.key === 'concur');
      assert.equal(concur.configuration['event.vendor.type'], 'polling', 'Concur supports polling only');
      assert.deepEqual(Object.keys(JSON.parse(concur.configuration['event.poller.configuration'])), ['reports']);
      const eventId = d.sandbox.triggerEvent({ instanceId: concur.id, objectType: 'reports', objectId: 'R-1001' });
      assert.equal((await delivered(d.sandbox, eventId)).state, 'delivered');
      await page.reload();
      const [newest] = await page.locator('#events li').allInnerTexts();
      assert.match(newest, /^SAP Concur of alice: reports R-1001 UPDATED, /);
      await context.close();
    });

    await t.test('no log line holds a secret, the element token or a code', () => {
      const logs = d.logs();
      const code = new URL(aliceCallback).searchParams.get('code');
      const tokens = d.sandbox.instances().map((i) => i.token);
      const signatures = d.sandbox.deliveries().map((x) => x.signature);
      for (const secret of [...d.secrets, ...tokens, ...signatures, code]) {
        assert.ok(!logs.includes(secret), `a secret reached the ${app} app's output`);
      }
      assert.match(logs, /callback refused: state other_subject/);
      assert.match(logs, /callback refused: state expired/);
      assert.match(logs, /event 1: 1 recorded for alice/);
      assert.match(logs, /event 1: already handled/);
      assert.match(logs, /event refused: the signature does not verify/);
    });
  });
}
