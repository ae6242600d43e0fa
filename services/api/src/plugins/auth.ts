/**
 * Who is calling: a session cookie (the settings page) or a personal API token sent as
 * `Authorization: Bearer flp_…` (scripts and the CLI). Both are random secrets stored only as
 * SHA-256 hashes. Routes that need a user add `preHandler: app.requireUser`; every query they make
 * is then scoped to `request.user.id`. Routes that mint or reveal credentials or destroy the account
 * (tokens, webhook endpoints and their secrets, deleting the account) call `requireSession`: a
 * leaked API token must not be able to outlive its own revocation or take the account with it.
 */
import { createHash, randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { repositories, type Database } from '@frontload/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Errors } from '../errors.js';

export const SESSION_COOKIE = 'fl_session';

/**
 * The session cookie's name: `__Host-fl_session` over https, so that browsers accept it only
 * `Secure`, for this host and path / (a sibling subdomain or a plain-http answer cannot set or
 * shadow it); plain `fl_session` on local http, where a `__Host-` cookie cannot be set.
 */
export const sessionCookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);
export const API_TOKEN_PREFIX = 'flp_';
const SESSION_DAYS = 30;

export interface AuthenticatedUser {
  id: string;
  via: 'session' | 'api_token';
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | undefined;
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    startSession: (reply: FastifyReply, userId: string) => Promise<void>;
    /** Forgets the browser's session cookie (the session row is the caller's to delete). */
    endSession: (reply: FastifyReply) => void;
    /** The session cookie's name for this deployment (see sessionCookieName). */
    sessionCookie: string;
  }
}

/** Refuses (403 FL_SESSION_REQUIRED) a request not made from a signed-in browser session. */
export function requireSession(request: FastifyRequest, action: string): void {
  if (!request.user) throw new Errors.Unauthenticated();
  if (request.user.via !== 'session') throw new Errors.SessionRequired(action);
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newSecret = (prefix = '') => `${prefix}${randomBytes(32).toString('base64url')}`;

export interface AuthOptions {
  db: Database;
  now: () => Date;
  /** Cookies are `Secure` unless the API is served from localhost over plain http. */
  secureCookies: boolean;
}

async function identify(
  request: FastifyRequest,
  options: AuthOptions,
): Promise<AuthenticatedUser | undefined> {
  const repos = repositories(options.db);
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice('Bearer '.length).trim();
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const userId = await repos.apiTokens.useToken(hashSecret(token), options.now());
    return userId ? { id: userId, via: 'api_token' } : undefined;
  }
  const cookie = request.cookies[sessionCookieName(options.secureCookies)];
  if (!cookie) return undefined;
  const userId = await repos.sessions.userIdFor(hashSecret(cookie), options.now());
  return userId ? { id: userId, via: 'session' } : undefined;
}

export const auth = fp(async (app: FastifyInstance, options: AuthOptions) => {
  const cookieName = sessionCookieName(options.secureCookies);
  await app.register(fastifyCookie);
  app.decorate('sessionCookie', cookieName);
  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request) => {
    request.user = await identify(request, options);
  });
  app.decorate('requireUser', async (request: FastifyRequest) => {
    if (!request.user) throw new Errors.Unauthenticated();
  });
  app.decorate('startSession', async (reply: FastifyReply, userId: string) => {
    const token = newSecret();
    const expiresAt = new Date(options.now().getTime() + SESSION_DAYS * 86_400_000);
    await repositories(options.db).sessions.create({ tokenHash: hashSecret(token), userId, expiresAt });
    reply.setCookie(cookieName, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
      expires: expiresAt,
    });
  });
  app.decorate('endSession', (reply: FastifyReply) => {
    // A `__Host-` cookie is only replaced by one with the same attributes, `Secure` included.
    reply.clearCookie(cookieName, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies,
    });
  });
});
