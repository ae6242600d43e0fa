import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { SandboxCore } from '../../core/types.js';
import { authorizeRoutes } from './authorize.js';
import type { ClientRegistry } from './clients.js';
import { createGrantBook, type GrantBook } from './grants.js';
import { createSigningKeys } from './oidc-keys.js';
import { oidcRoutes } from './oidc.js';
import { tokenRoute } from './token.js';

/** Google's accounts host: authorize + consent, token, revoke, OIDC. Returns the grant book for resets. */
export async function registerGoogleOAuth(
  scope: FastifyInstance,
  core: SandboxCore,
  clients: ClientRegistry,
): Promise<GrantBook> {
  await scope.register(formbody);
  const book = createGrantBook(core.clock);
  const keys = await createSigningKeys(core.clock);
  authorizeRoutes(scope, core, clients, book);
  tokenRoute(scope, { core, clients, book, keys });
  oidcRoutes(scope, core, keys, book);
  return book;
}
