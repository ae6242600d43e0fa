/**
 * The API as one Fastify instance built from explicit dependencies (no env reads, no globals),
 * so tests build it with `app.inject()` and `main.ts` builds it from the parsed config.
 */
import type { Database } from '@frontload/db';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { errorHandler } from './plugins/error-handler.js';
import { healthRoutes } from './routes/health.js';

export interface AppDependencies {
  db: Database;
  redis: Redis;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 256 * 1024,
    requestIdHeader: 'x-request-id',
    // Bodies are validated by schema; unknown properties are an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  });
  await app.register(errorHandler);
  await app.register(
    healthRoutes([
      { name: 'postgres', check: () => deps.db.ping() },
      { name: 'redis', check: async () => void (await deps.redis.ping()) },
    ]),
  );
  return app;
}
