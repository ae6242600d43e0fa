/**
 * Browser-facing protections: helmet headers with a strict Content-Security-Policy, and CSRF
 * protection for every state-changing request that rides on the session cookie.
 *
 * CSRF is the double-submit pattern of @fastify/csrf-protection: a secret in an httpOnly
 * `fl_csrf` cookie (`__Host-fl_csrf` over https) and a token derived from it, fetched by the page from `GET /api/v1/csrf-token`
 * and sent back in the `x-csrf-token` header. Each token is bound to the session it was issued for:
 * it carries an HMAC (keyed by SESSION_SECRET) of that session, so a token and secret cookie
 * obtained under one session (the attacker's own, or none) are refused under any other. Requests authenticated with a personal API token
 * (`Authorization: Bearer flp_…`) are exempt: a browser never attaches that header on its own, so a
 * forged cross-site request cannot carry it, and scripts using tokens have no cookie to protect.
 * Requests with no session at all are exempt too: without ambient credentials there is nothing to
 * ride on (sign-in itself is protected by the OAuth state and PKCE).
 */
import csrfProtection from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hashSecret } from './auth.js';

export const CSRF_COOKIE = 'fl_csrf';
/** Over https the CSRF secret's cookie is `__Host-fl_csrf`: no sibling subdomain can plant one. */
export const csrfCookieName = (secure: boolean) => (secure ? `__Host-${CSRF_COOKIE}` : CSRF_COOKIE);
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SecurityOptions {
  /** Cookies are `Secure`, HSTS is sent and insecure requests upgraded, unless served over local http. */
  secure: boolean;
  /** SESSION_SECRET: keys the HMAC that binds each CSRF token to its session. */
  sessionSecret: string;
}

/** What a CSRF token is bound to: the hash of the request's session cookie (empty without one). */
const sessionBinding = (request: FastifyRequest): string => {
  const session = request.cookies[request.server.sessionCookie];
  return session ? hashSecret(session) : '';
};

/** Whether a request needs a CSRF token: a write that a browser would authenticate by cookie. */
export function needsCsrfToken(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method) && request.user?.via === 'session';
}

/** The Content-Security-Policy of every page. */
function strictDirectives(secure: boolean): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    // No inline scripts or styles anywhere: every script and style sheet is a file we serve.
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    // On local http an upgrade would point the page at an https port nobody listens on.
    ...(secure ? { upgradeInsecureRequests: [] } : {}),
  };
}

/**
 * The CSP of the queue dashboard's routes only (routes/admin-queues.ts). Its page sets a
 * `<base href>` that its relative script and style URLs resolve against, and its React UI styles
 * elements inline; scripts stay same-origin files. Its Google Fonts link stays blocked on purpose
 * (an admin page does not call a third party; the UI falls back to system fonts).
 */
export function dashboardCspDirectives(secure: boolean): Record<string, string[]> {
  return { ...strictDirectives(secure), styleSrc: ["'self'", "'unsafe-inline'"], baseUri: ["'self'"] };
}

export const security = fp(async (app: FastifyInstance, options: SecurityOptions) => {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: strictDirectives(options.secure) },
    hsts: options.secure,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookieName(options.secure),
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: options.secure },
    csrfOpts: { hmacKey: options.sessionSecret },
    getUserInfo: sessionBinding,
    getToken: (request) => {
      const value = request.headers[CSRF_HEADER];
      return typeof value === 'string' ? value : undefined;
    },
  });
  // Runs after the auth plugin's onRequest hook (registration order), so `request.user` is known.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!needsCsrfToken(request)) return done();
    app.csrfProtection(request, reply, done);
  });
  app.get('/api/v1/csrf-token', { schema: { hide: true } }, async (request, reply) => ({
    token: reply.generateCsrf({ userInfo: sessionBinding(request) }),
  }));
});
