/**
 * Graph and Entra error shapes. Graph: `{error:{code,message,innerError:{date,request-id,client-request-id}}}`
 * (the throttling sample in graph-error-429-TooManyRequests.json adds `code`/`status`/`message` inside
 * innerError, so 429 keeps exactly that shape). Entra token endpoint: `error`, `error_description` starting
 * with the AADSTS code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri` (PROVIDERS.md §1).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { innerErrorDate } from './time.js';

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export const notFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const badRequest = (message: string, code = 'BadRequest'): GraphError =>
  new GraphError(400, code, message);

/** Per-request id Graph echoes in `request-id`; the client's `client-request-id` is echoed back when sent. */
export function requestIds(request: FastifyRequest): { requestId: string; clientRequestId: string } {
  const header = request.headers['client-request-id'];
  const requestId = randomUUID();
  return { requestId, clientRequestId: typeof header === 'string' && header !== '' ? header : requestId };
}

export function graphErrorBody(
  status: number,
  code: string,
  message: string,
  ids: { requestId: string; clientRequestId: string },
  nowMs: number,
): { error: Record<string, unknown> } {
  if (status === 429) {
    return {
      error: {
        code: 'TooManyRequests',
        message: 'Please retry again later.',
        innerError: {
          code: '429',
          date: innerErrorDate(nowMs),
          message: 'Please retry after',
          'request-id': ids.requestId,
          status: '429',
        },
      },
    };
  }
  return {
    error: {
      code,
      message,
      innerError: {
        date: innerErrorDate(nowMs),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

export function sendGraphError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: GraphError,
  nowMs: number,
): FastifyReply {
  const ids = requestIds(request);
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  return reply
    .code(error.status)
    .header('request-id', ids.requestId)
    .header('client-request-id', ids.clientRequestId)
    .type('application/json')
    .send(graphErrorBody(error.status, error.code, error.message, ids, nowMs));
}

/** Entra (identity platform) OAuth error. */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
    this.name = 'EntraError';
  }
}

export function entraErrorBody(err: EntraError, nowMs: number): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error: err.error,
    error_description:
      `AADSTS${err.aadsts}: ${err.description} Trace ID: ${traceId} Correlation ID: ${correlationId} ` +
      `Timestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${err.aadsts}`,
  };
}
