// Types of the `elements-auth` package. The classes, functions and option
// objects are generated from the Rust sources by the napi-rs CLI into
// `binding.d.ts`; this file re-exports them and adds what `index.js` defines:
// the error class, the error codes and the version.

export {
  Client,
  Sandbox,
  Grant,
  Instance,
  StateSigner,
  parseCallback,
  verifyWebhookSignature,
  signWebhook,
  SIGNATURE_HEADER,
  parseEventNotification,
} from './binding'
export type {
  ClientOptions,
  OAuthUrlRequest,
  OAuthUrl,
  Events,
  CreateInstanceRequest,
  SandboxOptions,
  EventNotification,
  NotificationEvent,
  Delivery,
  TriggerEvent,
  StateSignerOptions,
  StateClaims,
} from './binding'

/** This package's version: one version for every artifact of elements-auth (the workspace's, in its Cargo.toml). */
export declare const version: string

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
 * Every error this package throws or rejects with, built by the native
 * addon with each field as an own property. Branch on `code`; the other
 * fields are `null` when they do not apply. Messages never contain a secret
 * (user/organization secret, api secret, code, token, signature key).
 */
export declare class ElementsAuthError extends Error {
  /** `'ElementsAuthError'`. */
  readonly name: 'ElementsAuthError'
  /** The whole human-readable text, naming arguments and calls as Node spells them. */
  readonly message: string
  /** The error kind in upper case: `API`, `TIMEOUT`, `INVALID_INPUT`... */
  readonly code: ErrorCodeName
  /** The error kind in snake case, as in the other languages: `api`, `timeout`... (`sandbox` for `SANDBOX`). */
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
  /** The `Client` method that failed, for `API`/`TRANSPORT`/`TIMEOUT`/`DECODE` errors of a call. */
  readonly operation: 'oauthUrl' | 'createInstance' | 'getInstance' | 'listInstances' | 'deleteInstance' | null
  /**
   * The request may have taken effect: it timed out or broke off after being
   * sent, the platform answered 5xx, or its 2xx answer was unreadable. After
   * `createInstance`, the instance may then exist: look with `listInstances()`.
   */
  readonly mayHaveReachedServer: boolean
  /**
   * Repeating the same call is safe and may succeed: an idempotent call
   * (`oauthUrl`, `getInstance`, `listInstances`) that failed in transport,
   * timed out, or got 429/502/503/504, or a call that provably never reached
   * the platform. Never true for a `createInstance` that may have reached it
   * (its code is single-use) nor for input errors.
   */
  readonly retryable: boolean
  /**
   * What was wrong with the state, for `STATE_MISMATCH`: `missing` or
   * `different` (`parseCallback`), or for a `StateSigner`: `malformed`,
   * `unknown_key` (removed after a rotation), `bad_signature`,
   * `other_subject` (another user's sign-in) or `expired`.
   */
  readonly mismatch:
    | 'missing'
    | 'different'
    | 'malformed'
    | 'unknown_key'
    | 'bad_signature'
    | 'other_subject'
    | 'expired'
    | null
}
