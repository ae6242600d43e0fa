/**
 * One error handler for the whole API: coded errors keep their status and code; validation errors
 * become FL_VALIDATION_FAILED with the failing fields (`details: [{ path, in, message }]`, `path` a
 * JSON pointer into the request part named by `in`); a provider error no route translated becomes
 * 502 FL_PROVIDER_UNAVAILABLE; anything else is a 500 whose message is hidden from the client (and
 * logged with its cause).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isProviderError } from '@frontload/providers/errors';
import fp from 'fastify-plugin';
import { Errors, type ErrorBody } from '../errors.js';

const PROVIDER_NAMES = { google: 'Google', microsoft: 'Microsoft' } as const;

const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'FL_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FL_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'FL_VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'FL_VALIDATION_FAILED',
  FST_CSRF_MISSING_SECRET: 'FL_CSRF_INVALID',
  FST_CSRF_INVALID_TOKEN: 'FL_CSRF_INVALID',
  // A path that is not valid percent-encoded UTF-8 (e.g. an unpaired surrogate) or far too long.
  FST_ERR_BAD_URL: 'FL_BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'FL_BAD_URL',
};

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/**
 * The JSON pointer of the field an issue is about: a missing or unknown property is named by its
 * own path (`/skipWeeks/minWeeks`), not its parent's; an issue about the whole value is `''`.
 */
function fieldPath(issue: ValidationIssue): string {
  const params = issue.params as { missingProperty?: unknown; additionalProperty?: unknown } | undefined;
  const property = params?.missingProperty ?? params?.additionalProperty;
  const at = issue.instancePath ?? '';
  return typeof property === 'string' ? `${at}/${property.replaceAll('~', '~0').replaceAll('/', '~1')}` : at;
}

/** The coded body of an error, as every error answer of the API carries it. */
export function errorBody(error: FastifyError, requestId: string): ErrorBody {
  // A provider that failed where no route translated it (an outage, a refused discovery): the
  // client is told which provider and that nothing changed, not given an internal error.
  if (isProviderError(error))
    return errorBody(new Errors.ProviderUnavailable(PROVIDER_NAMES[error.provider]), requestId);
  const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (error.validation) {
    return {
      statusCode: 400,
      code: 'FL_VALIDATION_FAILED',
      error: 'Bad Request',
      message: error.message,
      requestId,
      // `in`: which part of the request (body, querystring, params) holds the field.
      details: error.validation.map((v) => ({
        path: fieldPath(v),
        ...(error.validationContext ? { in: error.validationContext } : {}),
        message: v.message,
      })),
    };
  }
  const code =
    (error.code && fastifyCodes[error.code]) ?? (error.code?.startsWith('FL_') ? error.code : undefined);
  return {
    statusCode,
    code: code ?? (statusCode >= 500 ? 'FL_INTERNAL' : 'FL_BAD_REQUEST'),
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: statusCode >= 500 && !error.code?.startsWith('FL_') ? 'Internal error' : error.message,
    requestId,
  };
}

/**
 * Fastify's `frameworkErrors` option: errors raised while routing, before any route or error
 * handler runs (a URL that does not decode), answered with the same coded body as every other.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body = errorBody(error, request.id);
  request.log.info({ code: body.code, statusCode: body.statusCode }, 'request refused');
  void reply.status(body.statusCode).send(body);
}

export const errorHandler = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = errorBody(error, request.id);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, statusCode: body.statusCode }, 'request refused');
    return reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      statusCode: 404,
      code: 'FL_NOT_FOUND',
      error: 'Not Found',
      message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
      requestId: request.id,
    };
    return reply.status(404).send(body);
  });
});
