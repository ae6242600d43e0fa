/**
 * Personal API tokens for scripts and the CLI: created (shown once), listed, revoked. Creating and
 * revoking need a browser session (a token cannot mint another that outlives it), and a user has
 * at most {@link MAX_LIVE_TOKENS} live tokens.
 */
import { repositories, type Database } from '@frontload/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { API_TOKEN_PREFIX, hashSecret, newSecret, requireSession } from '../../plugins/auth.js';

/** Live (unrevoked) tokens one user may hold at once. */
export const MAX_LIVE_TOKENS = 25;

const Token = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const tokenRoutes: FastifyPluginAsyncTypebox<{ db: Database; now: () => Date }> = async (
  app,
  { db, now },
) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/tokens',
    { schema: { response: { 200: Type.Object({ tokens: Type.Array(Token) }) } } },
    async (request) => {
      const rows = await repos.apiTokens.listForUser(request.user!.id);
      return {
        tokens: rows.map((r) => ({
          id: r.id,
          name: r.name,
          prefix: r.token_prefix,
          createdAt: r.created_at.toISOString(),
          lastUsedAt: iso(r.last_used_at),
          revokedAt: iso(r.revoked_at),
        })),
      };
    },
  );

  app.post(
    '/tokens',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 80 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      requireSession(request, 'create API tokens');
      const userId = request.user!.id;
      const token = newSecret(API_TOKEN_PREFIX);
      const row = await db.transaction(async (tx) => {
        const txRepos = repositories(tx);
        if ((await txRepos.apiTokens.lockOwnerAndCountLive(userId)) >= MAX_LIVE_TOKENS) {
          throw new Errors.LimitReached(
            `You already have ${MAX_LIVE_TOKENS} live API tokens; revoke one before creating another`,
          );
        }
        const created = await txRepos.apiTokens.create({
          userId,
          name: request.body.name,
          tokenHash: hashSecret(token),
          tokenPrefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        });
        await txRepos.audit.record({
          userId,
          actor: 'user',
          action: 'api_token.created',
          details: { id: created.id },
        });
        return created;
      });
      // The token itself is in this response only; we keep its hash.
      return reply.status(201).send({ id: row.id, name: row.name, prefix: row.token_prefix, token });
    },
  );

  app.delete(
    '/tokens/:id',
    { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request, reply) => {
      requireSession(request, 'revoke API tokens');
      const userId = request.user!.id;
      if (!(await repos.apiTokens.revoke(userId, request.params.id, now()))) {
        throw new Errors.NotFoundResource('API token');
      }
      await repos.audit.record({
        userId,
        actor: 'user',
        action: 'api_token.revoked',
        details: { id: request.params.id },
      });
      return reply.status(204).send();
    },
  );
};
