/**
 * Every provider failure becomes one of a few kinds, and each kind has one handling rule in the
 * workers (STYLE.md §2 rule 9): transient → retry with backoff; rate_limited → wait `retryAfterMs`;
 * auth_revoked → mark the connection needs_reauth, no retry; not_found → the event is gone;
 * cursor_expired → full resync; conflict → re-sync the event and re-plan; permanent → fail.
 */
export const PROVIDER_ERROR_KINDS: readonly string[] = [
  'transient',
  'rate_limited',
  'auth_revoked',
  'not_found',
  'cursor_expired',
  'conflict',
  'permanent',
] satisfies ProviderErrorKind[];

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

/**
 * The one way to recognise a provider error, everywhere (adapters, OAuth, workers, the API): by its
 * stable code and kind rather than `instanceof`, so an error from another copy of this module (the
 * built package beside the source, or a worker that loads the adapters lazily) is recognised alike.
 */
export function isProviderError(error: unknown): error is ProviderError {
  if (error instanceof ProviderError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, kind } = error as { code?: unknown; kind?: unknown };
  return code === 'FL_PROVIDER_ERROR' && typeof kind === 'string' && PROVIDER_ERROR_KINDS.includes(kind);
}

/** The kind of a provider error, undefined for any other error. */
export function providerErrorKind(error: unknown): ProviderErrorKind | undefined {
  return isProviderError(error) ? error.kind : undefined;
}

/**
 * The kind an HTTP status says on its own, the same for every provider. Each provider's mapper
 * (google-errors.ts, graph-errors.ts) first reads what only its own bodies carry (Google's `reason`,
 * Graph's `code`, OAuth errors) and falls back to this.
 */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401) return 'auth_revoked';
  if (status === 429) return 'rate_limited';
  if (status === 410) return 'cursor_expired';
  if (status === 404) return 'not_found';
  if (status === 412 || status === 409) return 'conflict';
  if (status >= 500 || status === 408) return 'transient';
  return 'permanent';
}

/** Parses `Retry-After` (seconds, possibly fractional as Graph sends "2.128", or an HTTP date). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
