// The TypeScript version of concur-flow.mjs, checked with `tsc --strict --noEmit`.
import { Client, Sandbox, parseCallback, ElementsAuthError, ErrorCode, version } from 'elements-auth'
import type { ClientOptions, CreateInstanceRequest, Instance, OAuthUrl, Grant, ErrorCodeName } from 'elements-auth'

async function main(): Promise<string> {
  const sandbox: Sandbox = Sandbox.start({ autoConsent: true })
  try {
    const options: ClientOptions = { timeoutMs: 10_000, userAgent: `concur-flow/${version}` }
    const client: Client = sandbox.client(options)
    const app = { apiKey: 'my-concur-app', apiSecret: 'my-concur-app-secret', callbackUrl: 'https://app.example.com/oauth/callback' }
    const url: OAuthUrl = await client.oauthUrl({ element: 'concur', ...app, siteAddress: 'https://www.concursolutions.com', params: [['newUser', 'true']] })
    const grant: Grant = parseCallback(sandbox.approve(url.oauthUrl), url.state)
    const request: CreateInstanceRequest = {
      element: 'concur',
      code: grant.code,
      name: 'my concur instance',
      ...app,
      tags: ['example'],
      filterResponseNulls: true,
      events: { vendorType: 'polling', callbackUrl: 'https://app.example.com/events', refreshInterval: 15, pollerConfiguration: { reports: { url: '/hubs/expense/reports' } } },
      configuration: { 'document.tagging': 'false' },
    }
    const instance: Instance = await client.createInstance(request)
    const all: Instance[] = await client.listInstances()
    console.log(`${all.length} instance(s); token: ${instance.token}`)
    return instance.token
  } catch (err: unknown) {
    if (err instanceof ElementsAuthError) {
      const code: ErrorCodeName = err.code
      const status: number | null = err.status
      const retryable: boolean = err.retryable
      const operation: string | null = err.operation
      if (code === ErrorCode.TIMEOUT && err.mayHaveReachedServer) console.error('look with listInstances() first')
      console.error(code, status, err.requestId, err.providerMessage, err.field, operation, retryable)
    }
    throw err
  } finally {
    sandbox.stop()
  }
}

main().catch(() => { process.exitCode = 1 })
