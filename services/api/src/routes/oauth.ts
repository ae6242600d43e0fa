/**
 * Sign-in and calendar connect for Google and Microsoft: `/auth/{provider}/start` stores a
 * single-use state with its PKCE verifier and redirects to the consent page; the callback consumes
 * the state, exchanges the code (the only provider call the API makes inline), seals the tokens,
 * finds or creates the user, upserts the connection, queues the initial sync and opens a session.
 *
 * Every flow is bound to the browser that started it: `/start` sets a short-lived HttpOnly nonce
 * cookie whose SHA-256 is stored with the state, and the callback refuses a state whose nonce this
 * browser does not hold (someone else's consent link cannot sign a victim in, nor attach a victim's
 * calendar to someone else's account). A connect flow, started while signed in, must also come back
 * to the same signed-in user. Users are found by the provider account's (issuer, subject), never by
 * an email claim. A refusal reached by a browser navigation is shown as a page in plain words
 * (oauth-error-page.ts); API clients get the coded JSON body as from every other route.
 */
import { createHash, randomBytes } from 'node:crypto';
import { repositories, type Database, type Repositories } from '@frontload/db';
import { isProviderError, type ProviderKind } from '@frontload/providers/errors';
import {
  newAuthorizationSecrets,
  type OAuth,
  type OAuthIdentity,
  type TokenSet,
} from '@frontload/providers/oauth';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply } from 'fastify';
import Type from 'typebox';
import { Errors } from '../errors.js';
import { oauthErrorHandler } from './oauth-error-page.js';

const STATE_TTL_MS = 10 * 60_000;
/** The cookie that binds a flow to its browser (`__Host-` prefixed over https). */
export const NONCE_COOKIE = 'fl_oauth';
const providers: readonly ProviderKind[] = ['google', 'microsoft'];
const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export interface OAuthRouteOptions {
  db: Database;
  oauth: OAuth;
  now: () => Date;
  /** Base URL users reach the API at: `returnTo` must be on its origin. */
  publicUrl: string;
  /** Served over https: the nonce cookie is `__Host-` prefixed and `Secure`. */
  secureCookies: boolean;
  /** Seals a token set for storage, bound to the user and provider. */
  sealTokens: (tokens: TokenSet, context: { userId: string; provider: ProviderKind }) => string;
  /** Queues the connection's first full sync. */
  enqueueInitialSync: (connectionId: string) => Promise<void>;
}

function providerOf(name: string): ProviderKind {
  if (!(providers as readonly string[]).includes(name)) throw new Errors.UnknownProvider(name);
  return name as ProviderKind;
}

/**
 * Where to go after the callback: a path on PUBLIC_URL's origin, stored percent-encoded (so the
 * Location header is plain ASCII). Control characters, whitespace and backslashes are refused by the
 * schema (a browser drops a TAB, so `/\t/evil.example` would leave the site); this refuses the rest.
 */
function returnPath(value: string | undefined, publicUrl: string): string {
  if (value === undefined || value === '') return '/';
  const base = new URL(publicUrl);
  const url = URL.canParse(value, publicUrl) ? new URL(value, publicUrl) : undefined;
  // A path starting with `//` would be read as another host once it is a bare Location.
  if (!url || url.origin !== base.origin || url.pathname.startsWith('//'))
    throw fieldError('/returnTo', `querystring/returnTo must be a path on ${base.origin}`);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A validation error shaped like Ajv's, so the error handler reports the field like a schema failure. */
function fieldError(path: string, message: string): FastifyError {
  const error: FastifyError = new Errors.ValidationFailed(message);
  error.validation = [{ keyword: 'returnTo', instancePath: path, schemaPath: '', params: {}, message }];
  return error;
}

/** No control character, whitespace (of any script) or backslash. */
const RETURN_TO_PATTERN = '^[^\\p{Cc}\\p{Cf}\\p{Z}\\s\\\\]*$';

/**
 * The user and connection for a consented account: for a connect flow, the user who started it (the
 * account is linked to them for sign-in too, unless it already signs someone in); for a sign-in, the
 * user of the account's identity, or a new one. Then the connection, upserted, and its audit record.
 */
async function storeAccount(
  repos: Repositories,
  input: {
    startedBy: string | null;
    provider: ProviderKind;
    identity: OAuthIdentity;
    sealedTokens: (userId: string) => string;
    scopes: string[];
  },
) {
  const { provider, identity } = input;
  const account = {
    provider,
    issuer: identity.issuer,
    subject: identity.subject,
    email: identity.email,
    emailVerified: identity.emailVerified,
  };
  let user;
  if (input.startedBy) {
    user = await repos.users.byId(input.startedBy);
    if (!user) throw new Errors.Unauthenticated();
    await repos.identities.link(user.id, account);
  } else {
    user = (await repos.users.signIn({ ...account, name: identity.name })).user;
  }
  const connection = await repos.connections.upsert({
    userId: user.id,
    provider,
    accountIssuer: identity.issuer,
    accountSubject: identity.subject,
    accountEmail: identity.email,
    sealedTokens: input.sealedTokens(user.id),
    scopes: input.scopes,
  });
  await repos.audit.record({
    userId: user.id,
    actor: 'user',
    action: connection.created ? 'connection.created' : 'connection.reconnected',
    details: { connectionId: connection.row.id, provider, account: identity.email },
  });
  return { user, ...connection };
}

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRouteOptions> = async (app, options) => {
  const repos = repositories(options.db);
  // `__Host-` pins the cookie to this host and path / over https; plain http (local) cannot use it.
  const nonceCookie = options.secureCookies ? `__Host-${NONCE_COOKIE}` : NONCE_COOKIE;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookies,
  } as const;
  const clearNonce = (reply: FastifyReply) => reply.clearCookie(nonceCookie, cookieOptions);

  // A browser navigation that fails (Deny, a used or expired link, a provider error) ends on a page.
  app.setErrorHandler(oauthErrorHandler(providers));

  app.get(
    '/auth/:provider/start',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        params: Type.Object({ provider: Type.String({ maxLength: 32 }) }),
        querystring: Type.Object({
          returnTo: Type.Optional(Type.String({ maxLength: 200, pattern: RETURN_TO_PATTERN })),
        }),
      },
    },
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      const returnTo = returnPath(request.query.returnTo, options.publicUrl);
      const { state, codeVerifier } = newAuthorizationSecrets();
      const nonce = randomBytes(32).toString('base64url');
      await repos.oauthStates.create({
        stateHash: hash(state),
        provider,
        codeVerifier,
        userId: request.user?.id ?? null,
        returnTo,
        browserHash: hash(nonce),
        expiresAt: new Date(options.now().getTime() + STATE_TTL_MS),
      });
      const url = await options.oauth.authorizationUrl(provider, state, codeVerifier);
      reply.setCookie(nonceCookie, nonce, { ...cookieOptions, maxAge: STATE_TTL_MS / 1000 });
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
      // Only the browser that started this flow may finish it.
      const nonce = request.cookies[nonceCookie];
      if (!nonce || !saved.browser_hash || hash(nonce) !== saved.browser_hash)
        throw new Errors.OAuthBrowserMismatch();
      clearNonce(reply);
      // A connect flow adds a calendar to the user who started it, so it must end signed in as them.
      if (saved.user_id && (request.user?.via !== 'session' || request.user.id !== saved.user_id))
        throw new Errors.OAuthUserMismatch();
      if (error) throw new Errors.OAuthDenied(error);
      if (!code) throw new Errors.OAuthDenied('no authorization code');

      const tokens = await options.oauth
        .exchangeCode(provider, code, saved.code_verifier)
        .catch((e: unknown) => {
          if (isProviderError(e) && e.kind !== 'transient')
            throw new Errors.OAuthExchangeFailed(e.details.reason ?? e.kind, { cause: e });
          throw e;
        });
      const { identity, ...tokenSet } = tokens;
      const { user, row } = await options.db.transaction((tx) =>
        storeAccount(repositories(tx), {
          startedBy: saved.user_id,
          provider,
          identity,
          sealedTokens: (userId) => options.sealTokens(tokenSet, { userId, provider }),
          scopes: tokenSet.scopes,
        }),
      );
      await options.enqueueInitialSync(row.id);
      if (!saved.user_id) await app.startSession(reply, user.id);
      return reply.redirect(saved.return_to, 303);
    },
  );
};
