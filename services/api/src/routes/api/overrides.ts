/**
 * The user's overrides: 1:1s (events or whole series) they moved themselves after Frontload moved
 * them, or after a preview showed a move for them. Frontload leaves each where the user put it until
 * the user hands it back ("let Frontload manage this 1:1 again"), which is recorded in the audit log
 * and, as every settings change, replans (replan.ts): the new plan replaces the current preview.
 */
import { intentRepository, repositories, type Database, type OverrideRow } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { replanAfterSettingsChange } from './replan.js';

const OverrideView = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('event'), Type.Literal('series')]),
  title: Type.String(),
  counterpart: Type.Union([Type.String(), Type.Null()]),
  /** When Frontload noticed the user's move. */
  since: Type.String(),
});

const overrideView = (row: OverrideRow) => ({
  id: row.id,
  kind: row.target_kind,
  title: row.title,
  counterpart: row.counterpart,
  since: row.created_at.toISOString(),
});

export const overrideRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Producers;
  now: () => Date;
}> = async (app, { db, producers, now }) => {
  const intent = intentRepository(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/overrides',
    { schema: { response: { 200: Type.Object({ overrides: Type.Array(OverrideView) }) } } },
    async (request) => ({ overrides: (await intent.active(request.user!.id)).map(overrideView) }),
  );

  app.delete(
    '/overrides/:id',
    { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request) => {
      const userId = request.user!.id;
      const released = await intent.release(userId, request.params.id, now());
      if (!released) throw new Errors.NotFoundResource('Override');
      await repositories(db).audit.record({
        userId,
        actor: 'user',
        action: 'override.released',
        details: { overrideId: released.id, title: released.title, counterpart: released.counterpart },
      });
      await replanAfterSettingsChange(producers, userId, 'people');
      return { ...overrideView(released), releasedAt: released.released_at!.toISOString() };
    },
  );
};
