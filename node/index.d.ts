// Types of the `elements-auth` package. The classes, functions and option
// objects are generated from the Rust sources by the napi-rs CLI into
// `binding.d.ts`; this file re-exports them and adds the error types that
// `index.js` defines.

export {
  Client,
  Sandbox,
  Grant,
  Instance,
  parseCallback,
  verifyWebhookSignature,
  signWebhook,
  SIGNATURE_HEADER,
  CORE_VERSION,
} from './binding'
export type {
  ClientOptions,
  OAuthUrlRequest,
  OAuthUrl,
  Events,
  CreateInstanceRequest,
  SandboxOptions,
} from './binding'

/** The `code` of an {@link ElementsAuthError}: the core error kind in upper case, or `SANDBOX`. */
export type ErrorCodeName =
  | 'INVALID_INPUT'
  | 'API'
  | 'TRANSPORT'
  | 'TIMEOUT'
  | 'DECODE'
  | 'AUTHORIZATION_DENIED'
  | 'STATE_MISMATCH'
  | 'INVALID_CALLBACK'
  | 'INVALID_SIGNATURE'
  | 'SANDBOX'

/** Every error code as a constant, in the order shared by every language. */
export declare const ErrorCode: { readonly [K in ErrorCodeName]: K }

/**
 * Every error this package throws or rejects with. Branch on `code`; the
 * other fields are `null` when they do not apply. Messages never contain a
 * secret (user/organization secret, api secret, code, token, signature key).
 */
export declare class ElementsAuthError extends Error {
  /** `'ElementsAuthError'`. */
  readonly name: 'ElementsAuthError'
  /** The error kind in upper case: `API`, `TIMEOUT`, `INVALID_INPUT`... */
  readonly code: ErrorCodeName
  /** The error kind in snake case, as in the other languages: `api`, `timeout`... */
  readonly kind: string
  /** HTTP status, for `API`. */
  readonly status: number | null
  /** The platform's request id, for `API` (quote it in support tickets). */
  readonly requestId: string | null
  /** The vendor's own message passed on by the platform, for `API`. */
  readonly providerMessage: string | null
  /** The rejected argument (camelCase, e.g. `events.refreshInterval`), for `INVALID_INPUT`. */
  readonly field: string | null
  /** The OAuth `error` (e.g. `access_denied`), for `AUTHORIZATION_DENIED`. */
  readonly error: string | null
  /** The OAuth `error_description`, for `AUTHORIZATION_DENIED`. */
  readonly description: string | null
  /** The OAuth `error_uri`, for `AUTHORIZATION_DENIED`. */
  readonly uri: string | null
  /** For `TIMEOUT`/`TRANSPORT`: the request may have taken effect (a create may have happened). */
  readonly mayHaveReachedServer: boolean
  /** True when retrying the same call later may succeed. */
  readonly retryable: boolean
}
