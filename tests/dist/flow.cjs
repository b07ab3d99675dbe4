'use strict'
// Checks the installed npm packages from CommonJS, as a user's service loads them:
// the version everywhere, the addon loaded from the platform package (the main
// package holds none), and the flow against the sandbox the addon embeds.
// Run by scripts/test-dist.sh in a fresh project: node flow.cjs <version>
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

async function main(version) {
  const ea = require('elements-auth')
  const main = path.dirname(require.resolve('elements-auth/package.json'))
  const mainPkg = require('elements-auth/package.json')
  const addons = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
  assert.equal(addons.length, 1, `one addon loaded: ${addons}`)
  const platformName = Object.keys(mainPkg.optionalDependencies || {}).find((n) => addons[0].includes(`${path.sep}${n}${path.sep}`))
  assert.ok(platformName, `the addon ${addons[0]} comes from one of the optionalDependencies ${JSON.stringify(mainPkg.optionalDependencies)}`)
  const platformPkg = require(`${platformName}/package.json`)
  assert.equal(fs.readdirSync(main).filter((f) => f.endsWith('.node')).length, 0, 'the main package ships no binary')

  assert.equal(ea.version, version, 'require("elements-auth").version')
  assert.equal(mainPkg.version, version, 'elements-auth/package.json version')
  assert.equal(platformPkg.version, version, `${platformName}/package.json version`)
  assert.equal(mainPkg.optionalDependencies[platformName], version, 'the main package wants its own version of the addon')

  const sandbox = ea.Sandbox.start()
  try {
    const client = sandbox.client({ timeoutMs: 10_000 })
    const app = { apiKey: 'key', apiSecret: 'secret', callbackUrl: 'https://app.example.com/cb' }
    const url = await client.oauthUrl({ element: 'dropbox', ...app })
    const grant = ea.parseCallback(sandbox.approve(url.oauthUrl), url.state)
    const instance = await client.createInstance({ element: 'dropbox', code: grant.code, name: 'dist check', ...app })
    assert.deepEqual(client.listInstancesSync().map((i) => i.id), [instance.id])
    const err = await client.oauthUrl({ element: 'dropbox', ...app, callbackUrl: '' }).catch((e) => e)
    assert.ok(err instanceof ea.ElementsAuthError, 'an ElementsAuthError')
    assert.equal(err.code, ea.ErrorCode.INVALID_INPUT)
    assert.equal(err.field, 'callbackUrl')
  } finally {
    sandbox.stop()
  }
  console.log(`flow.cjs: elements-auth ${version} (CommonJS), addon from ${platformName}: ${path.basename(addons[0])}`)
}

main(process.argv[2]).catch((err) => {
  console.error(err)
  process.exitCode = 1
})
