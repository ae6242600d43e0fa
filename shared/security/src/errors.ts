/**
 * The coded errors of `@frontload/security`. Callers branch on `code` (stable, `FL_*`), never on
 * the message; every wrap keeps the original in `cause` unless the original could carry a secret
 * (see `token-vault.ts`). Messages never contain plaintext tokens, keys or webhook secrets.
 */
import type { AddressClass } from './address-class.js';

/** Every code this package throws. */
export type SecurityErrorCode =
  | 'FL_SEALING_KEYS_INVALID'
  | 'FL_TOKEN_SEAL_FAILED'
  | 'FL_TOKEN_UNSEAL_FAILED'
  | 'FL_WEBHOOK_SECRET_INVALID'
  | 'FL_WEBHOOK_SIGN_FAILED'
  | 'FL_SSRF_REFUSED'
  | 'FL_HTTP_TIMEOUT'
  | 'FL_HTTP_FAILED';

/** Base of every error thrown by this package; `code` is stable and safe to map to HTTP statuses. */
export class SecurityError extends Error {
  constructor(
    readonly code: SecurityErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecurityError';
  }
}

/**
 * An outbound request was refused because its target is not a public unicast address (or its URL
 * breaks the lexical policy). `addressClass` says which class matched, `address` the offending IP
 * when one is known (literal host or resolved address).
 */
export class SsrfRefusedError extends SecurityError {
  constructor(
    readonly addressClass: AddressClass | 'policy',
    message: string,
    readonly address?: string,
    options?: { cause?: unknown },
  ) {
    super('FL_SSRF_REFUSED', message, options);
    this.name = 'SsrfRefusedError';
  }
}

/**
 * An outbound request took too long. `phase` is `connect` when no connection was established in time
 * (DNS included), `total` when the whole exchange (all redirect hops) overran its deadline.
 */
export class HttpTimeoutError extends SecurityError {
  constructor(
    readonly phase: 'connect' | 'total',
    readonly timeoutMs: number,
    message: string,
  ) {
    super('FL_HTTP_TIMEOUT', message);
    this.name = 'HttpTimeoutError';
  }
}

/** True for any error thrown by this package (its subclasses included). */
export function isSecurityError(error: unknown): error is SecurityError {
  return error instanceof SecurityError;
}
