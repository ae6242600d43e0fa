/**
 * Every line logged while a request is handled carries its id (`reqId`), including lines from code
 * that logs through a root logger (repositories, the token source). Registered first, so that every
 * later hook, the body parser (Fastify runs it in the request's async context) and the handler run
 * inside the request's log context.
 */
import { withLogContext } from '@frontload/logging';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const logContext = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', (request, _reply, done) => withLogContext({ reqId: request.id }, done));
});
