// End-to-end: the example web apps (examples/web/python, FastAPI; examples/web/node,
// Express), two replicas of each sharing the signing key and the database, the
// sandbox in manual-consent mode, and a real headless Chromium (the system's
// /usr/bin/chromium, driven by playwright-core) clicking through them.
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
const { Sandbox } = createRequire(import.meta.url)(process.env.ELEMENTS_AUTH_NODE || join(ROOT, 'node'));

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
    DATABASE: join(dir, 'connections.sqlite3'),
    // The one public callback URL: replica B, whichever replica started the sign-in.
    CALLBACK_URL: `http://127.0.0.1:${b}/oauth/callback`,
  };
  const A = await replica(app, 'A', a, env);
  const B = await replica(app, 'B', b, env);
  // A third replica whose states live one second, for the expiry scenario.
  const C = await replica(app, 'C', c, { ...env, STATE_TTL_SECONDS: '1' });
  const secrets = [env.STATE_SECRET, env.SESSION_SECRET, API_SECRET, sandbox.userSecret, sandbox.organizationSecret];
  return {
    sandbox, A, B, C, secrets,
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

/** From the connections list, starts connecting Dropbox: resolves on the sandbox's consent page. */
async function toConsent(page) {
  await Promise.all([page.waitForURL(/\/vendor\/dropbox\/oauth2\/authorize\?/), page.click('#connect-dropbox')]);
  assert.match(await page.locator('h1').innerText(), /Sign in to Dropbox \(sandbox\)/);
  const state = new URL(page.url()).searchParams.get('state');
  assert.match(state, /^v1\.k2026\./, 'the consent page got a signed state');
  assert.ok(state.length < 200);
  for (const user of ['alice', 'bob']) assert.ok(!state.includes(user), 'the state never shows the user');
  return state;
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

    await t.test('no log line holds a secret, the element token or a code', () => {
      const logs = d.logs();
      const code = new URL(aliceCallback).searchParams.get('code');
      for (const secret of [...d.secrets, d.sandbox.instances()[0].token, code]) {
        assert.ok(!logs.includes(secret), `a secret reached the ${app} app's output`);
      }
      assert.match(logs, /callback refused: state other_subject/);
      assert.match(logs, /callback refused: state expired/);
    });
  });
}
