'use strict'
// The event loop stays free while calls wait, and one Client serves many calls at once.
const test = require('node:test')
const assert = require('node:assert/strict')
const { ea, setup, concurGrant, concurCreate } = require('./helpers')

function ticker() {
  const state = { ticks: 0 }
  state.timer = setInterval(() => { state.ticks += 1 }, 10)
  return state
}

test('a setInterval ticker keeps ticking while an async call waits on a slowed sandbox', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const grant = await concurGrant(sandbox, client)

  sandbox.injectFault('slow:500', 1)
  const tick = ticker()
  const started = Date.now()
  const instance = await client.createInstance(concurCreate(grant.code))
  const elapsed = Date.now() - started
  clearInterval(tick.timer)
  assert.ok(instance.token.length > 0)
  assert.ok(elapsed >= 450, `the sandbox delayed the answer (${elapsed} ms)`)
  assert.ok(tick.ticks >= 20, `the event loop ran ${tick.ticks} ticks of 10 ms in ${elapsed} ms`)

  // Contrast: the Sync twin holds the loop for the whole wait.
  sandbox.injectFault('slow:500', 1)
  const blocked = ticker()
  const syncStarted = Date.now()
  client.listInstancesSync()
  const syncElapsed = Date.now() - syncStarted
  const ticksDuringSync = blocked.ticks
  clearInterval(blocked.timer)
  assert.ok(syncElapsed >= 450)
  assert.equal(ticksDuringSync, 0)
})

test('50 concurrent createInstance calls on one Client all succeed with distinct tokens', async (t) => {
  const { sandbox, client, stop } = setup()
  t.after(stop)
  const grants = await Promise.all(Array.from({ length: 50 }, () => concurGrant(sandbox, client)))
  const instances = await Promise.all(grants.map((g, i) => client.createInstance(concurCreate(g.code, { name: `concur ${i}` }))))
  assert.equal(instances.length, 50)
  assert.equal(new Set(instances.map((i) => i.token)).size, 50)
  assert.equal(new Set(instances.map((i) => i.id)).size, 50)
  assert.deepEqual(instances.map((i) => i.name), grants.map((_, i) => `concur ${i}`))
  assert.equal((await client.listInstances()).length, 50)
})
