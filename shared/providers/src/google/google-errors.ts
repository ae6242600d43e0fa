/**
 * Google error bodies → ProviderError kinds. Google signals most things by `reason`
 * (https://developers.google.com/workspace/calendar/api/guides/errors): 403 means a rate limit for
 * `rateLimitExceeded`/`userRateLimitExceeded`/`quotaExceeded` but a refusal for
 * `forbiddenForNonOrganizer`; 410 means a dead sync token for `fullSyncRequired` but an already
 * deleted event for `deleted`.
 */
import { ProviderError, kindForStatus, parseRetryAfter, type ProviderErrorKind } from '../provider-error.js';

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: { reason?: string; domain?: string }[] } | string;
  error_description?: string;
}

const rateReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

function kindFor(
  status: number,
  reason: string | undefined,
  oauthError: string | undefined,
): ProviderErrorKind {
  if (
    oauthError === 'invalid_grant' ||
    oauthError === 'invalid_client' ||
    oauthError === 'unauthorized_client'
  ) {
    return 'auth_revoked';
  }
  if (status === 403 && reason !== undefined && rateReasons.has(reason)) return 'rate_limited';
  if (status === 410 && reason === 'deleted') return 'not_found';
  return kindForStatus(status);
}

/** Maps an HTTP failure from Google (API or OAuth endpoint) to a ProviderError. */
export function googleError(
  status: number,
  body: unknown,
  retryAfter: string | null | undefined,
  nowMs: number,
  cause?: unknown,
): ProviderError {
  const parsed = (body && typeof body === 'object' ? body : {}) as GoogleErrorBody;
  const apiError = typeof parsed.error === 'object' ? parsed.error : undefined;
  const oauthError = typeof parsed.error === 'string' ? parsed.error : undefined;
  const reason = apiError?.errors?.[0]?.reason;
  const kind = kindFor(status, reason, oauthError);
  const message = apiError?.message ?? parsed.error_description ?? oauthError ?? `HTTP ${status}`;
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  return new ProviderError(
    kind,
    'google',
    `Google ${status}${reason ? ` ${reason}` : ''}: ${message}`,
    { status, reason: reason ?? oauthError, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    { cause },
  );
}
