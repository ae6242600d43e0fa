/**
 * Microsoft Graph and identity-platform error bodies → ProviderError kinds. Graph throttles with 429
 * and `Retry-After` (https://learn.microsoft.com/graph/throttling); an expired delta token is 410
 * `SyncStateNotFound`; a dead refresh token is `invalid_grant` with an AADSTS code.
 */
import { ProviderError, kindForStatus, parseRetryAfter, type ProviderErrorKind } from '../provider-error.js';

interface GraphErrorBody {
  error?: { code?: string; message?: string } | string;
  error_description?: string;
  error_codes?: number[];
}

const cursorCodes = new Set(['SyncStateNotFound', 'SyncStateInvalid', 'resyncRequired']);

/**
 * Graph throttles with 429, and also with 509 (bandwidth) and 503 carrying a `Retry-After`
 * (https://learn.microsoft.com/graph/throttling): all three mean "wait this long", not "failed".
 */
function throttled(status: number, code: string | undefined, hasRetryAfter: boolean): boolean {
  if (status === 429 || status === 509 || code === 'TooManyRequests' || code === 'ApplicationThrottled')
    return true;
  return status === 503 && hasRetryAfter;
}

function kindFor(status: number, code: string | undefined, hasRetryAfter: boolean): ProviderErrorKind {
  if (code === 'invalid_grant' || code === 'interaction_required' || code === 'invalid_client')
    return 'auth_revoked';
  if (status === 401 || code === 'InvalidAuthenticationToken') return 'auth_revoked';
  if (throttled(status, code, hasRetryAfter)) return 'rate_limited';
  if (status === 410 || (code !== undefined && cursorCodes.has(code))) return 'cursor_expired';
  if (code === 'ErrorItemNotFound') return 'not_found';
  return kindForStatus(status);
}

export function graphError(
  status: number,
  body: unknown,
  retryAfter: string | null | undefined,
  nowMs: number,
  cause?: unknown,
): ProviderError {
  const parsed = (body && typeof body === 'object' ? body : {}) as GraphErrorBody;
  const apiError = typeof parsed.error === 'object' ? parsed.error : undefined;
  const code = apiError?.code ?? (typeof parsed.error === 'string' ? parsed.error : undefined);
  const message = apiError?.message ?? parsed.error_description?.split('\r\n')[0] ?? `HTTP ${status}`;
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  return new ProviderError(
    kindFor(status, code, retryAfterMs !== undefined),
    'microsoft',
    `Microsoft ${status}${code ? ` ${code}` : ''}: ${message}`,
    { status, ...(code ? { reason: code } : {}), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    { cause },
  );
}
