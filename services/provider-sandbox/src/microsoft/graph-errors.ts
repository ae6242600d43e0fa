/**
 * Error handling of the Graph scope: every failure leaves in Graph's error shape, bad input is a 4xx
 * (malformed JSON → BadRequest "Unable to read JSON request payload…"), unknown paths are Graph's
 * "Resource not found for the segment" 400, and only genuine bugs become a 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import { GraphError, sendGraphError } from './errors.js';

const UNREADABLE_JSON =
  'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

function toGraphError(error: FastifyError): GraphError | undefined {
  if (error instanceof GraphError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GraphError(400, 'BadRequest', UNREADABLE_JSON);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GraphError(415, 'UnsupportedMediaType', 'The content type of the request is not supported.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GraphError(413, 'RequestEntityTooLarge', 'The request payload is too large.');
    default:
      break;
  }
  if (error instanceof SyntaxError) return new GraphError(400, 'BadRequest', UNREADABLE_JSON);
  const status = error.statusCode ?? 500;
  return status < 500 ? new GraphError(status, 'BadRequest', error.message) : undefined;
}

export function installGraphErrors(graph: FastifyInstance, core: SandboxCore): void {
  graph.setErrorHandler((error: FastifyError, request, reply) => {
    const graphError = toGraphError(error);
    if (graphError !== undefined) return sendGraphError(request, reply, graphError, core.clock.nowMs());
    request.log.error({ err: error }, 'graph route failed');
    return sendGraphError(
      request,
      reply,
      new GraphError(500, 'generalException', 'An internal server error occurred.'),
      core.clock.nowMs(),
    );
  });
  graph.setNotFoundHandler((request, reply) => {
    const segment =
      request.url
        .split('?')[0]
        ?.split('/')
        .filter((s) => s !== '')
        .pop() ?? '';
    const error = new GraphError(
      400,
      'BadRequest',
      `Resource not found for the segment '${decodeURIComponent(segment)}'.`,
    );
    return sendGraphError(request, reply, error, core.clock.nowMs());
  });
}
