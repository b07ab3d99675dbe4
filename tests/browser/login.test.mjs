// End-to-end: `elements-auth sandbox --manual-consent` + `elements-auth login --no-browser`,
// with a real headless Chromium (the system's /usr/bin/chromium, driven by playwright-core)
// opening the printed URL and clicking Allow or Deny on the consent page.
//
// Run by scripts/test-browser.sh, which sets ELEMENTS_AUTH_BIN and SCREENSHOT_DIR.
// Screenshots (PNG) of the consent, success and failure pages go to SCREENSHOT_DIR.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.ELEMENTS_AUTH_BIN;
const SHOTS = process.env.SCREENSHOT_DIR;
assert.ok(BIN, 'ELEMENTS_AUTH_BIN must point at the built elements-auth binary');
assert.ok(SHOTS, 'SCREENSHOT_DIR must be set');
mkdirSync(SHOTS, { recursive: true });

const API_KEY = 'browser-test-client';
const API_SECRET = 'browser-test-api-secret-7c41d2';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Docker-like machines give /dev/shm 64 MB, too little for Chromium: use /tmp.
  '--disable-dev-shm-usage',
];

/** Starts a process and collects its output; `lines(stream)` yields lines as they come. */
function start(args, env = {}) {
  const child = spawn(BIN, args, { env: { ...cleanEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const waiters = [];
  const feed = (name) => (chunk) => {
    out[name] += chunk;
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', feed('stdout'));
  child.stderr.on('data', feed('stderr'));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  /** Resolves with the first match of `re` in the stream, or rejects after 20 s. */
  const waitFor = (name, re) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${re} in ${name}: ${out[name]}`)), 20000);
    const check = () => {
      const m = out[name].match(re);
      if (m) {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(m);
      }
    };
    waiters.push(check);
    check();
  });
  return { child, out, exited, waitFor };
}

function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ELEMENTS_') && k !== 'BROWSER') env[k] = v;
  }
  return env;
}

async function startSandbox() {
  const sb = start(['sandbox', '--manual-consent', '--json']);
  const [line] = await sb.waitFor('stdout', /^\{.*\}$/m);
  const info = JSON.parse(line);
  assert.equal(info.auto_consent, false);
  return { ...sb, info };
}

async function listInstances(info) {
  const res = await fetch(`${info.base_url}/instances`, {
    headers: { Authorization: `User ${info.user_secret}, Organization ${info.organization_secret}` },
  });
  assert.equal(res.status, 200);
  return res.json();
}

function assertNoSecrets(info, text) {
  for (const secret of [info.user_secret, info.organization_secret, API_SECRET]) {
    assert.ok(!text.includes(secret), `a secret leaked into the CLI output: ${text}`);
  }
}

/** Runs one scenario: the browser clicks `button` (#allow or #deny) on the consent page. */
async function scenario(button, shotPrefix) {
  const sb = await startSandbox();
  const userDataDir = mkdtempSync(join(tmpdir(), 'ea-chromium-'));
  let context;
  try {
    const login = start(
      ['login', '--no-browser', '--json', '--timeout', '60', '--element', 'dropbox', '--name', 'browser test', '--tag', 'e2e'],
      {
        ELEMENTS_BASE_URL: sb.info.base_url,
        ELEMENTS_USER_SECRET: sb.info.user_secret,
        ELEMENTS_ORGANIZATION_SECRET: sb.info.organization_secret,
        ELEMENTS_API_KEY: API_KEY,
        ELEMENTS_API_SECRET: API_SECRET,
      },
    );
    const [, url] = await login.waitFor('stderr', /^\s+(http:\/\/127\.0\.0\.1:\d+\/vendor\/\S+)$/m);

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 900, height: 700 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    assert.match(await page.locator('h1').innerText(), /Sign in to Dropbox \(sandbox\)/);
    await page.screenshot({ path: join(SHOTS, `${shotPrefix}-consent.png`), fullPage: true });

    await Promise.all([page.waitForURL(/\/callback\?/), page.click(button)]);
    const result = page.locator('#result');
    await result.waitFor();
    const heading = await result.innerText();
    const message = await page.locator('#message').innerText();
    const shot = join(SHOTS, `${shotPrefix}-${button === '#allow' ? 'success' : 'failure'}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 1000, 'the screenshot is a real PNG');

    const { code } = await login.exited;
    const all = login.out.stdout + login.out.stderr;
    assertNoSecrets(sb.info, all);
    const instances = await listInstances(sb.info);
    return { code, heading, message, login, instances };
  } finally {
    if (context) await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    sb.child.kill('SIGINT');
    await sb.exited;
  }
}

test('Allow: the browser lands on the success page and the CLI prints a token', async () => {
  const { code, heading, message, login, instances } = await scenario('#allow', 'allow');
  assert.equal(code, 0, login.out.stderr);
  assert.match(heading, /Signed in/);
  assert.match(message, /created the instance "browser test"/);
  const instance = JSON.parse(login.out.stdout);
  assert.equal(instance.element_key, 'dropbox');
  assert.deepEqual(instance.tags, ['e2e']);
  assert.ok(instance.token.length > 20);
  assert.ok(!message.includes(instance.token), 'the page never shows the token');
  assert.ok(!login.out.stderr.includes(instance.token), 'the token goes to stdout only');
  assert.equal(instances.length, 1);
  assert.equal(instances[0].id, instance.id);
});

test('Deny: the browser shows the failure page and the CLI exits 15 without creating anything', async () => {
  const { code, heading, message, login, instances } = await scenario('#deny', 'deny');
  assert.equal(code, 15, login.out.stderr);
  assert.match(heading, /Sign-in failed/);
  assert.match(message, /Consent was denied/);
  assert.equal(login.out.stdout, '');
  assert.match(login.out.stderr, /"kind":"authorization_denied"/);
  assert.deepEqual(instances, [], 'nothing was created');
});
