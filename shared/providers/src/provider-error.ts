/**
 * Every provider failure becomes one of a few kinds, and each kind has one handling rule in the
 * workers (STYLE.md §2 rule 9): transient → retry with backoff; rate_limited → wait `retryAfterMs`;
 * auth_revoked → mark the connection needs_reauth, no retry; not_found → the event is gone;
 * cursor_expired → full resync; conflict → re-sync the event and re-plan; permanent → fail.
 */
export type ProviderErrorKind =
  'transient' | 'rate_limited' | 'auth_revoked' | 'not_found' | 'cursor_expired' | 'conflict' | 'permanent';

export type ProviderKind = 'google' | 'microsoft';

export class ProviderError extends Error {
  readonly code = 'FL_PROVIDER_ERROR';
  constructor(
    readonly kind: ProviderErrorKind,
    readonly provider: ProviderKind,
    message: string,
    readonly details: { status?: number; reason?: string; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** Parses `Retry-After` (seconds, possibly fractional as Graph sends "2.128", or an HTTP date). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
