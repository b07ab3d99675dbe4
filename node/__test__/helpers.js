'use strict'
// Shared setup for the tests: the package as users load it, and a sandbox-backed flow.
const path = require('node:path')
const fs = require('node:fs')
const ea = require('..')

const CALLBACK = 'https://app.example.com/oauth/callback'
const API_KEY = 'node-test-api-key'
const API_SECRET = 'node-test-api-secret-8f2b1c'
const SITE = 'https://www.concursolutions.com'

/** One shared-vector file from tests/vectors. */
function vectors(name) {
  const file = path.join(__dirname, '..', '..', 'tests', 'vectors', `${name}.json`)
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

/** A started sandbox and a client for it; `stop()` ends both. */
function setup(options = {}, clientOptions = {}) {
  const sandbox = ea.Sandbox.start(options)
  const client = new ea.Client({
    baseUrl: sandbox.baseUrl,
    userSecret: sandbox.userSecret,
    organizationSecret: sandbox.organizationSecret,
    ...clientOptions,
  })
  return { sandbox, client, stop: () => sandbox.stop() }
}

/** Steps 1 and 2 for Concur: an OAuth URL approved in the sandbox, parsed into a grant. */
async function concurGrant(sandbox, client, extra = {}) {
  const url = await client.oauthUrl({
    element: 'concur', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, siteAddress: SITE, ...extra,
  })
  return ea.parseCallback(sandbox.approve(url.oauthUrl), url.state)
}

/** The create request for Concur with the given code. */
function concurCreate(code, extra = {}) {
  return { element: 'concur', code, name: 'my concur', apiKey: API_KEY, apiSecret: API_SECRET, callbackUrl: CALLBACK, ...extra }
}

/** The error a promise rejects with, or a failure if it resolves. */
async function rejection(promise) {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection')
}

/** The error a function throws, or a failure if it returns. */
function thrown(fn) {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected an exception')
}

module.exports = { ea, vectors, setup, concurGrant, concurCreate, rejection, thrown, CALLBACK, API_KEY, API_SECRET, SITE }
