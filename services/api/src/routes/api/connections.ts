/** The caller's calendar connections and their health. Tokens never leave the database. */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';

export const ConnectionView = Type.Object({
  id: Type.String(),
  provider: Type.Union([Type.Literal('google'), Type.Literal('microsoft')]),
  accountEmail: Type.String(),
  status: Type.Union([
    Type.Literal('syncing'),
    Type.Literal('healthy'),
    Type.Literal('needs_reauth'),
    Type.Literal('disconnected'),
  ]),
  scopes: Type.Array(Type.String()),
  timeZone: Type.Union([Type.String(), Type.Null()]),
  lastSyncedAt: Type.Union([Type.String(), Type.Null()]),
  pushActive: Type.Boolean(),
});

/** `?removeFocusBlocks=true`: also delete the upcoming events Frontload created in the calendar(s). */
export const RemovalQuery = Type.Object(
  { removeFocusBlocks: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
  { additionalProperties: false },
);

export function connectionView(row: ConnectionRow, now: Date) {
  return {
    id: row.id,
    provider: row.provider,
    accountEmail: row.account_email,
    status: row.status,
    scopes: row.scopes,
    timeZone: row.time_zone,
    lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
    pushActive: row.push_expires_at !== null && row.push_expires_at > now,
  };
}

export interface ConnectionRouteOptions {
  db: Database;
  now: () => Date;
  /** Queues the disconnect job (stop push, revoke, delete tokens and mirror). */
  producers: Pick<Producers, 'enqueueDisconnect'>;
}

export const connectionRoutes: FastifyPluginAsyncTypebox<ConnectionRouteOptions> = async (
  app,
  { db, now, producers },
) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/connections',
    { schema: { response: { 200: Type.Object({ connections: Type.Array(ConnectionView) }) } } },
    async (request) => ({
      connections: (await repos.connections.listForUser(request.user!.id)).map((row) =>
        connectionView(row, now()),
      ),
    }),
  );

  app.get(
    '/connections/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: ConnectionView },
      },
    },
    async (request) => {
      const row = await repos.connections.byIdForUser(request.user!.id, request.params.id);
      if (!row) throw new Errors.NotFoundResource('Connection');
      return connectionView(row, now());
    },
  );

  // Marked at once (sync and push stop seeing it as live), cleaned up by the sync worker's
  // `disconnect` job: it needs the tokens to stop push and revoke, then deletes them with the mirror.
  app.delete(
    '/connections/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: RemovalQuery,
        response: { 202: ConnectionView },
      },
    },
    async (request, reply) => {
      const row = await repos.connections.byIdForUser(request.user!.id, request.params.id);
      if (!row) throw new Errors.NotFoundResource('Connection');
      await repos.syncState.markDisconnected(row.id, request.query.removeFocusBlocks === 'true');
      await producers.enqueueDisconnect({ connectionId: row.id });
      return reply.status(202).send(connectionView({ ...row, status: 'disconnected' }, now()));
    },
  );
};
