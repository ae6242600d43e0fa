/** Google-specific control routes: registering OAuth clients and their exact redirect URIs. */
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { ClientRegistry } from './oauth/clients.js';

const ClientBody = Type.Object(
  {
    clientId: Type.String({ minLength: 1, maxLength: 200 }),
    clientSecret: Type.String({ minLength: 1, maxLength: 200 }),
    redirectUris: Type.Array(Type.String({ pattern: '^https?://' }), { maxItems: 100 }),
    allowLoopback: Type.Optional(Type.Boolean({ description: 'Also accept any http loopback redirect URI' })),
  },
  { additionalProperties: false },
);

export function googleControlRoutes(scope: FastifyInstance, clients: ClientRegistry) {
  scope.post(
    '/_sandbox/google/clients',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Register a Google OAuth client (redirect URIs match exactly)',
        body: ClientBody,
      },
    },
    async (request, reply) =>
      reply.code(201).send(clients.register(request.body as Static<typeof ClientBody>)),
  );
  scope.get(
    '/_sandbox/google/clients',
    { schema: { tags: ['sandbox'], summary: 'Registered Google OAuth clients' } },
    async () => clients.list().map(({ clientSecret: _secret, ...client }) => client),
  );
}
