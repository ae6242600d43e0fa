/** The caller's own account: who they are, signing out, and deleting everything. */
import { repositories, type Database } from '@frontload/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Errors } from '../../errors.js';
import { SESSION_COOKIE, hashSecret } from '../../plugins/auth.js';

export const accountRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get('/me', async (request) => {
    const user = await repos.users.byId(request.user!.id);
    if (!user) throw new Errors.Unauthenticated();
    return { id: user.id, email: user.email, name: user.name, timeZone: user.time_zone, mode: user.mode };
  });

  app.post('/logout', async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await repos.sessions.delete(hashSecret(cookie));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  // Every table holding the user's data references users with `on delete cascade`.
  app.delete('/me', async (request, reply) => {
    await repos.users.delete(request.user!.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
};
