/**
 * Every error the API answers with, in one catalogue (as in Fastify's lib/errors.js): a stable
 * `code` that clients can rely on, an HTTP status and a message template.
 */
import createError from '@fastify/error';

export const Errors = {
  NotFound: createError('FL_NOT_FOUND', 'Route %s %s not found', 404),
  NotFoundResource: createError('FL_NOT_FOUND', '%s not found', 404),
  ValidationFailed: createError('FL_VALIDATION_FAILED', '%s', 400),
  Unauthenticated: createError('FL_UNAUTHENTICATED', 'Sign in or send a valid API token', 401),
  Forbidden: createError('FL_FORBIDDEN', '%s', 403),
  SessionRequired: createError(
    'FL_SESSION_REQUIRED',
    'Only a signed-in browser session may %s; an API token may not',
    403,
  ),
  LimitReached: createError('FL_LIMIT_REACHED', '%s', 409),
  Conflict: createError('FL_CONFLICT', '%s', 409),
  PayloadTooLarge: createError('FL_PAYLOAD_TOO_LARGE', 'Request body is larger than allowed', 413),
  UnknownProvider: createError(
    'FL_UNKNOWN_PROVIDER',
    'Unknown calendar provider "%s"; use google or microsoft',
    404,
  ),
  OAuthStateInvalid: createError(
    'FL_OAUTH_STATE_INVALID',
    'This sign-in link is unknown, expired or already used; start again',
    400,
  ),
  OAuthBrowserMismatch: createError(
    'FL_OAUTH_BROWSER_MISMATCH',
    'This sign-in was started in another browser, or too long ago; start again from this browser',
    403,
  ),
  OAuthUserMismatch: createError(
    'FL_OAUTH_USER_MISMATCH',
    'This calendar connection was started by another signed-in user; sign in as them or start again',
    403,
  ),
  OAuthDenied: createError('FL_OAUTH_DENIED', 'The provider did not grant access: %s', 400),
  OAuthExchangeFailed: createError(
    'FL_OAUTH_EXCHANGE_FAILED',
    'The provider refused the authorization code (%s)',
    400,
  ),
  PushUnknownChannel: createError('FL_PUSH_UNKNOWN_CHANNEL', 'Unknown push channel or subscription', 401),
  PushForbidden: createError('FL_PUSH_FORBIDDEN', 'Push notification secret does not match', 403),
  WebhookUrlRefused: createError('FL_WEBHOOK_URL_REFUSED', 'Webhook URL refused: %s (%s)', 400),
  PlanStale: createError(
    'FL_PLAN_STALE',
    'This plan was replaced by a newer one; review the current plan',
    409,
  ),
  PlanTooOld: createError(
    'FL_PLAN_TOO_OLD',
    'This plan is more than %s h old, so it was not applied; a fresh plan is being made, review it first',
    409,
  ),
  PlanAlreadyApplied: createError(
    'FL_PLAN_ALREADY_APPLIED',
    'This plan is already applied or being applied',
    409,
  ),
  OperationNotInPlan: createError(
    'FL_OPERATION_NOT_IN_PLAN',
    'These operations are not part of this plan: %s',
    400,
  ),
  ConfirmationRequired: createError(
    'FL_CONFIRMATION_REQUIRED',
    'This run would change %s events, more than your blast-radius limit; send confirm: true to go ahead',
    409,
  ),
  IrreversibleConfirmationRequired: createError(
    'FL_IRREVERSIBLE_CONFIRMATION_REQUIRED',
    'This run cancels %s 1:1 occurrence(s) on Microsoft 365, which cannot be undone (Microsoft cannot restore a cancelled occurrence); send confirmIrreversible: true to go ahead',
    409,
  ),
  AlreadyUndone: createError('FL_ALREADY_UNDONE', 'This run was already undone', 409),
  RateLimited: createError('FL_RATE_LIMITED', 'Too many requests; retry later', 429),
  Internal: createError('FL_INTERNAL', 'Internal error', 500),
  DependencyDown: createError('FL_DEPENDENCY_DOWN', '%s is not reachable', 503),
  ProviderUnavailable: createError(
    'FL_PROVIDER_UNAVAILABLE',
    '%s did not answer as expected; nothing was changed. Try again in a moment',
    502,
  ),
};

/** The body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  requestId: string;
  details?: unknown;
}
