/**
 * Sign-in and calendar connect for Google and Microsoft: `/auth/{provider}/start` stores a
 * single-use state with its PKCE verifier and redirects to the consent page; the callback consumes
 * the state, exchanges the code (the only provider call the API makes inline), seals the tokens,
 * upserts the user and the connection, queues the initial sync and opens a session.
 */
import { createHash } from 'node:crypto';
import { repositories, type Database } from '@frontload/db';
import { isProviderError, type ProviderKind } from '@frontload/providers/errors';
import type { OAuth, TokenSet } from '@frontload/providers/oauth';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { generateCodeVerifier, generateState } from 'arctic';
import Type from 'typebox';
import { Errors } from '../errors.js';

const STATE_TTL_MS = 10 * 60_000;
const providers: readonly ProviderKind[] = ['google', 'microsoft'];
const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export interface OAuthRouteOptions {
  db: Database;
  oauth: OAuth;
  now: () => Date;
  /** Seals a token set for storage, bound to the user and provider. */
  sealTokens: (tokens: TokenSet, context: { userId: string; provider: ProviderKind }) => string;
  /** Queues the connection's first full sync. */
  enqueueInitialSync: (connectionId: string) => Promise<void>;
}

function providerOf(name: string): ProviderKind {
  if (!(providers as readonly string[]).includes(name)) throw new Errors.UnknownProvider(name);
  return name as ProviderKind;
}

/** Only same-site paths: an open redirect would let anyone bounce users through our login. */
const safeReturnTo = (value: string | undefined) => (value && /^\/(?![/\\])/.test(value) ? value : '/');

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRouteOptions> = async (app, options) => {
  const repos = repositories(options.db);

  app.get(
    '/auth/:provider/start',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        params: Type.Object({ provider: Type.String({ maxLength: 32 }) }),
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      const state = generateState();
      const codeVerifier = generateCodeVerifier();
      await repos.oauthStates.create({
        stateHash: hash(state),
        provider,
        codeVerifier,
        userId: request.user?.id ?? null,
        returnTo: safeReturnTo(request.query.returnTo),
        expiresAt: new Date(options.now().getTime() + STATE_TTL_MS),
      });
      const url = await options.oauth.authorizationUrl(provider, state, codeVerifier);
      return reply.redirect(url.toString(), 302);
    },
  );

  app.get(
    '/auth/:provider/callback',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        params: Type.Object({ provider: Type.String({ maxLength: 32 }) }),
        querystring: Type.Object({
          state: Type.Optional(Type.String({ maxLength: 512 })),
          code: Type.Optional(Type.String({ maxLength: 4096 })),
          error: Type.Optional(Type.String({ maxLength: 200 })),
          error_description: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      const { state, code, error } = request.query;
      // The state is consumed whatever happens next, so a replay of this URL can never succeed.
      const saved = state ? await repos.oauthStates.consume(hash(state), provider, options.now()) : undefined;
      if (!saved) throw new Errors.OAuthStateInvalid();
      if (error) throw new Errors.OAuthDenied(error);
      if (!code) throw new Errors.OAuthDenied('no authorization code');

      const tokens = await options.oauth
        .exchangeCode(provider, code, saved.code_verifier)
        .catch((e: unknown) => {
          if (isProviderError(e) && e.kind !== 'transient')
            throw new Errors.OAuthExchangeFailed(e.details.reason ?? e.kind, { cause: e });
          throw e;
        });
      const user = saved.user_id
        ? await repos.users.byId(saved.user_id)
        : await repos.users.upsertByEmail({ email: tokens.identity.email, name: tokens.identity.name });
      if (!user) throw new Errors.Unauthenticated();

      const { identity, ...tokenSet } = tokens;
      const { row, created } = await repos.connections.upsert({
        userId: user.id,
        provider,
        accountSubject: identity.subject,
        accountEmail: identity.email,
        sealedTokens: options.sealTokens(tokenSet, { userId: user.id, provider }),
        scopes: tokenSet.scopes,
      });
      await repos.audit.record({
        userId: user.id,
        actor: 'user',
        action: created ? 'connection.created' : 'connection.reconnected',
        details: { connectionId: row.id, provider, account: identity.email },
      });
      await options.enqueueInitialSync(row.id);
      if (!saved.user_id) await app.startSession(reply, user.id);
      return reply.redirect(saved.return_to, 303);
    },
  );
};
