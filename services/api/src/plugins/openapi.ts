/**
 * The API's OpenAPI document, generated from the route schemas (one source of truth) and served
 * at /api/v1/openapi.json. Routes outside /api/v1 (health, OAuth redirects, push) are left out.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { withoutGuard } from './input-guard.js';

export const openapi = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Frontload API',
        version: '1.0.0',
        description:
          'Calendar autopilot for tech lead managers. Authenticate with the settings page session cookie or a personal API token (`Authorization: Bearer flp_…`).',
      },
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'fl_session',
            description: 'Named `__Host-fl_session` when the API is served over https.',
          },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
    hideUntagged: false,
    // The input guard's keyword is validation only; the documents show each schema as written.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/v1') ? withoutGuard(schema) : { ...schema, hide: true },
      url,
    }),
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
