/** The caller's calendar connections and their health. Tokens never leave the database. */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { conditionalGet } from '../../plugins/etag.js';

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
  /** Frontload writes to this calendar (moves, cancellations, focus blocks); the others only count as busy. */
  writesHere: Type.Boolean(),
});

/** `PATCH /connections/:id`: make this the calendar Frontload writes to. */
export const ConnectionPatch = Type.Object(
  { writesHere: Type.Literal(true) },
  { additionalProperties: false },
);

/** `?removeFocusBlocks=true`: also delete the upcoming events Frontload created in the calendar(s). */
export const RemovalQuery = Type.Object(
  { removeFocusBlocks: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
  { additionalProperties: false },
);

export function connectionView(row: ConnectionRow, now: Date, writeTargetId?: string) {
  return {
    id: row.id,
    provider: row.provider,
    accountEmail: row.account_email,
    status: row.status,
    scopes: row.scopes,
    timeZone: row.time_zone,
    lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
    pushActive: row.push_expires_at !== null && row.push_expires_at > now,
    writesHere: row.id === writeTargetId,
  };
}

export interface ConnectionRouteOptions {
  db: Database;
  now: () => Date;
  /** Queues the disconnect job (stop push, revoke, delete tokens and mirror). */
  producers: Pick<Producers, 'enqueueDisconnect' | 'enqueuePlan'>;
}

/** Chooses the calendar Frontload writes to; the plan is made again for it at once. */
function writeTargetRoute(
  app: Parameters<FastifyPluginAsyncTypebox<ConnectionRouteOptions>>[0],
  { db, now, producers }: ConnectionRouteOptions,
): void {
  const repos = repositories(db);
  app.patch(
    '/connections/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: ConnectionPatch,
        response: { 200: ConnectionView },
      },
    },
    async (request) => {
      const userId = request.user!.id;
      const row = await repos.connections.byIdForUser(userId, request.params.id);
      if (!row) throw new Errors.NotFoundResource('Connection');
      if (row.status === 'disconnected')
        throw new Errors.Conflict(
          'This calendar is disconnected: connect it again to have Frontload write to it',
        );
      await repos.users.setWriteConnection(userId, row.id);
      await repos.audit.record({
        userId,
        actor: 'user',
        action: 'connection.write_target',
        details: { connectionId: row.id },
      });
      await producers.enqueuePlan({ userId, reason: 'preferences' });
      return connectionView(row, now(), row.id);
    },
  );
}

export const connectionRoutes: FastifyPluginAsyncTypebox<ConnectionRouteOptions> = async (
  app,
  { db, now, producers },
) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/connections',
    {
      schema: { response: { 200: Type.Object({ connections: Type.Array(ConnectionView) }) } },
      // The page asks again while a first sync runs; an unchanged list costs a 304.
      onSend: conditionalGet,
    },
    async (request) => {
      const writeTarget = await repos.connections.writeTargetId(request.user!.id);
      return {
        connections: (await repos.connections.listForUser(request.user!.id)).map((row) =>
          connectionView(row, now(), writeTarget),
        ),
      };
    },
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
      return connectionView(row, now(), await repos.connections.writeTargetId(request.user!.id));
    },
  );

  writeTargetRoute(app, { db, now, producers });

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
      await repos.users.clearWriteConnection(request.user!.id, row.id);
      await producers.enqueueDisconnect({ connectionId: row.id });
      return reply.status(202).send(connectionView({ ...row, status: 'disconnected' }, now()));
    },
  );
};
