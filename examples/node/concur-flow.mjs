// The whole Concur flow against an in-process Sandbox, without blocking the
// event loop: get the consent URL, let the "user" approve it, read the
// callback, create the instance and print its element token.
//
//   node examples/node/concur-flow.mjs
import { Client, Sandbox, parseCallback, ElementsAuthError } from 'elements-auth'

const sandbox = Sandbox.start()
try {
  const client = new Client({
    baseUrl: sandbox.baseUrl,
    userSecret: sandbox.userSecret,
    organizationSecret: sandbox.organizationSecret,
    timeoutMs: 10_000,
  })
  const app = {
    apiKey: 'my-concur-app',
    apiSecret: 'my-concur-app-secret',
    callbackUrl: 'https://app.example.com/oauth/callback',
  }

  // Step 1: the vendor's consent page.
  const url = await client.oauthUrl({ element: 'concur', ...app, siteAddress: 'https://www.concursolutions.com' })
  console.log(`1. send the user to: ${url.oauthUrl}`)

  // Step 2: the browser comes back to the callback URL (played by the sandbox here).
  const callback = sandbox.approve(url.oauthUrl)
  const grant = parseCallback(callback, url.state)
  console.log(`2. callback received, state checked: ${grant.state}`)

  // Step 3: the instance, with polling events as Concur supports.
  const instance = await client.createInstance({
    element: 'concur',
    code: grant.code,
    name: 'my concur instance',
    ...app,
    tags: ['example'],
    events: {
      vendorType: 'polling',
      callbackUrl: 'https://app.example.com/events',
      refreshInterval: 15,
      pollerConfiguration: { reports: { url: '/hubs/expense/reports', idField: 'ID' } },
    },
  })
  console.log(`3. instance ${instance.id} created`)
  console.log(`token: ${instance.token}`)
} catch (err) {
  // retryable: the same call may be repeated; after a create that may have
  // happened (mayHaveReachedServer), look with listInstances() first.
  if (err instanceof ElementsAuthError) console.error(`failed (${err.code}, retryable: ${err.retryable}): ${err.message}`)
  else console.error(err)
  process.exitCode = 1
} finally {
  sandbox.stop()
}
