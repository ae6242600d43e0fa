/**
 * One error handler for the whole API: coded errors keep their status and code; validation errors
 * become FL_VALIDATION_FAILED with the failing fields; anything else is a 500 whose message is
 * hidden from the client (and logged with its cause).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorBody } from '../errors.js';

const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'FL_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FL_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'FL_VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'FL_VALIDATION_FAILED',
  FST_CSRF_MISSING_SECRET: 'FL_CSRF_INVALID',
  FST_CSRF_INVALID_TOKEN: 'FL_CSRF_INVALID',
};

function toBody(error: FastifyError, requestId: string): ErrorBody {
  const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (error.validation) {
    return {
      statusCode: 400,
      code: 'FL_VALIDATION_FAILED',
      error: 'Bad Request',
      message: error.message,
      requestId,
      details: error.validation.map((v) => ({ path: v.instancePath || v.params, message: v.message })),
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

export const errorHandler = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toBody(error, request.id);
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
