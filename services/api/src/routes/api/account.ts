/** The caller's own account: who they are, signing out, and deleting everything. */
import { repositories, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RemovalQuery } from './connections.js';
import { Errors } from '../../errors.js';
import { hashSecret, requireSession } from '../../plugins/auth.js';

export const accountRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Pick<Producers, 'enqueueDisconnect'>;
}> = async (app, { db, producers }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get('/me', async (request) => {
    const user = await repos.users.byId(request.user!.id);
    if (!user) throw new Errors.Unauthenticated();
    return { id: user.id, email: user.email, name: user.name, timeZone: user.time_zone, mode: user.mode };
  });

  app.post('/logout', async (request, reply) => {
    const cookie = request.cookies[app.sessionCookie];
    if (cookie) await repos.sessions.delete(hashSecret(cookie));
    app.endSession(reply);
    return reply.status(204).send();
  });

  // Every table holding the user's data references users with `on delete cascade`. Connections are
  // cleaned up first (push stopped, grants revoked, our events removed if asked) by disconnect jobs,
  // which need their tokens; the last one deletes the user row and with it everything else.
  // Only from a browser session: a leaked API token must not be able to take the account with it.
  app.delete('/me', { schema: { querystring: RemovalQuery } }, async (request, reply) => {
    requireSession(request, 'delete the account');
    const userId = request.user!.id;
    const removeFocusBlocks = request.query.removeFocusBlocks === 'true';
    const connections = await db.transaction((tx) =>
      repositories(tx).users.beginDeletion(userId, removeFocusBlocks),
    );
    for (const connectionId of connections) await producers.enqueueDisconnect({ connectionId });
    app.endSession(reply);
    return reply.status(204).send();
  });
};
