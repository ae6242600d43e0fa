/**
 * The caller's planning preferences and mode. A PUT replaces the whole document after two checks:
 * the TypeBox schema (per-field ranges, by Fastify) and the planner's cross-field rules (working
 * hours end after they start, the first half holds working time, min ≤ max…). Either failure is one
 * 400 FL_VALIDATION_FAILED with `details: [{ path, message }]`, and nothing is stored. A stored
 * change replans (replan.ts): the new plan replaces the current preview.
 */
import { repositories, type Database } from '@frontload/db';
import { PreferencesSchema } from '@frontload/domain';
import { checkPreferences } from '@frontload/planner';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError } from 'fastify';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { replanAfterSettingsChange } from './replan.js';

/** A validation error shaped like Ajv's, so the error handler reports it like a schema failure. */
function crossFieldError(issues: readonly { path: string; message: string }[]): FastifyError {
  const error: FastifyError = new Errors.ValidationFailed(issues.map((i) => i.message).join('; '));
  error.validation = issues.map((issue) => ({
    keyword: 'crossField',
    instancePath: issue.path,
    schemaPath: '',
    params: {},
    message: issue.message,
  }));
  return error;
}

export const preferenceRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Producers;
  now: () => Date;
}> = async (app, { db, producers, now }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get('/preferences', { schema: { response: { 200: PreferencesSchema } } }, async (request) => {
    return repos.preferences.get(request.user!.id);
  });

  app.put('/preferences', { schema: { body: PreferencesSchema } }, async (request) => {
    const userId = request.user!.id;
    // An empty path prefix makes the planner's paths match Ajv's instancePath ("/focus/minBlockMinutes").
    const issues = checkPreferences(request.body, '');
    if (issues.length > 0) throw crossFieldError(issues);
    await repos.preferences.save(userId, request.body, now());
    await repos.audit.record({ userId, actor: 'user', action: 'preferences.updated' });
    await replanAfterSettingsChange(producers, userId, 'preferences');
    return request.body;
  });

  app.patch(
    '/mode',
    {
      schema: {
        body: Type.Object(
          { mode: Type.Union([Type.Literal('preview'), Type.Literal('autopilot')]) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const userId = request.user!.id;
      const { mode } = request.body;
      await repos.users.setMode(userId, mode);
      await repos.audit.record({ userId, actor: 'user', action: 'mode.changed', details: { mode } });
      return { mode };
    },
  );
};
