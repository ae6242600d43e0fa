/**
 * Google's classic JSON error envelope, field for field as in tests/fixtures/provider-docs/google-error-*.json:
 * `{"error":{"errors":[{domain,reason,message,locationType?,location?}],"code","message"}}`.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: 'header' | 'parameter';
  location?: string;
}

export interface GoogleErrorBody {
  error: { errors: GoogleErrorItem[]; code: number; message: string };
}

export class GoogleApiError extends Error {
  override name = 'GoogleApiError';
  constructor(
    readonly status: number,
    readonly item: GoogleErrorItem,
  ) {
    super(item.message);
  }

  body(): GoogleErrorBody {
    return { error: { errors: [this.item], code: this.status, message: this.item.message } };
  }
}

const item = (
  domain: string,
  reason: string,
  message: string,
  where?: Pick<GoogleErrorItem, 'locationType' | 'location'>,
) => ({ domain, reason, message, ...where }) satisfies GoogleErrorItem;

/** The errors the Calendar API documents (PROVIDERS.md §7, Google's "Handle API errors" guide). */
export const gerr = {
  loginRequired: () =>
    new GoogleApiError(
      401,
      item('global', 'required', 'Login Required', { locationType: 'header', location: 'Authorization' }),
    ),
  invalidCredentials: () =>
    new GoogleApiError(
      401,
      item('global', 'authError', 'Invalid Credentials', {
        locationType: 'header',
        location: 'Authorization',
      }),
    ),
  insufficientPermissions: () =>
    new GoogleApiError(403, item('global', 'insufficientPermissions', 'Insufficient Permission')),
  forbidden: () => new GoogleApiError(403, item('global', 'forbidden', 'Forbidden')),
  forbiddenForNonOrganizer: () =>
    new GoogleApiError(
      403,
      item(
        'calendar',
        'forbiddenForNonOrganizer',
        'Shared properties can only be changed by the organizer of the event.',
      ),
    ),
  notFound: () => new GoogleApiError(404, item('global', 'notFound', 'Not Found')),
  duplicate: () =>
    new GoogleApiError(409, item('global', 'duplicate', 'The requested identifier already exists.')),
  deleted: () => new GoogleApiError(410, item('global', 'deleted', 'Resource has been deleted')),
  fullSyncRequired: () =>
    new GoogleApiError(
      410,
      item('calendar', 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
        locationType: 'parameter',
        location: 'syncToken',
      }),
    ),
  updatedMinTooLongAgo: () =>
    new GoogleApiError(
      410,
      item(
        'calendar',
        'updatedMinTooLongAgo',
        'The requested minimum modification time lies too far in the past.',
        {
          locationType: 'parameter',
          location: 'updatedMin',
        },
      ),
    ),
  conditionNotMet: () =>
    new GoogleApiError(
      412,
      item('global', 'conditionNotMet', 'Precondition Failed', {
        locationType: 'header',
        location: 'If-Match',
      }),
    ),
  parseError: () => new GoogleApiError(400, item('global', 'parseError', 'Parse Error')),
  badRequest: (message = 'Bad Request') => new GoogleApiError(400, item('global', 'badRequest', message)),
  invalid: (message = 'Invalid Value') => new GoogleApiError(400, item('global', 'invalid', message)),
  invalidParameter: (name: string, message = `Invalid value for: ${name}`) =>
    new GoogleApiError(
      400,
      item('global', 'invalidParameter', message, { locationType: 'parameter', location: name }),
    ),
  required: (message: string) => new GoogleApiError(400, item('global', 'required', message)),
  timeRangeEmpty: () =>
    new GoogleApiError(
      400,
      item('calendar', 'timeRangeEmpty', 'The specified time range is empty.', {
        locationType: 'parameter',
        location: 'timeMax',
      }),
    ),
  rateLimited: (status: 403 | 429) =>
    new GoogleApiError(status, item('usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded')),
  backendError: (status = 500) => new GoogleApiError(status, item('global', 'backendError', 'Backend Error')),
};

/** The body Google sends for an HTTP status when a fault rule forces it. */
export function faultError(status: number): GoogleApiError {
  switch (status) {
    case 401:
      return gerr.invalidCredentials();
    case 403:
      return new GoogleApiError(
        403,
        item('usageLimits', 'userRateLimitExceeded', 'User Rate Limit Exceeded'),
      );
    case 404:
      return gerr.notFound();
    case 409:
      return gerr.duplicate();
    case 410:
      return gerr.fullSyncRequired();
    case 412:
      return gerr.conditionNotMet();
    case 429:
      return gerr.rateLimited(429);
    default:
      return status >= 500 ? gerr.backendError(status) : gerr.badRequest();
  }
}

/**
 * Every failure inside the Google scope leaves as a Google-shaped body: malformed JSON is Google's
 * `parseError`, schema failures are `invalid`, anything unexpected is a 500 `backendError` (logged).
 * Unknown paths keep Fastify's root 404: the Google scope shares the root prefix with everything else.
 */
export function installGoogleErrorHandler(scope: FastifyInstance) {
  scope.setErrorHandler((error: FastifyError | GoogleApiError, request, reply) => {
    const mapped = toGoogleError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'google emulation failed');
    return reply.code(mapped.status).type('application/json; charset=UTF-8').send(mapped.body());
  });
}

function toGoogleError(error: FastifyError | GoogleApiError): GoogleApiError {
  if (error instanceof GoogleApiError) return error;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)
    return gerr.parseError();
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return gerr.parseError();
  if (error.validation) return gerr.invalid();
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new GoogleApiError(413, item('global', 'uploadTooLarge', 'Request Entity Too Large'));
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return gerr.parseError();
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return gerr.badRequest();
  return gerr.backendError();
}
