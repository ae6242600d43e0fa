/**
 * Test harness: the sandbox in-process on 127.0.0.1:0, real googleapis / google-auth-library clients
 * pointed at it (PROVIDERS.md §9), and a capture of every Google response for the conformance checks.
 */
import { google, type calendar_v3 } from 'googleapis';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import type { FastifyInstance } from 'fastify';
import { buildSandbox } from '../src/app.js';
import type { SandboxRuntime } from '../src/core/create-core.js';
import type { SandboxAccount } from '../src/core/types.js';

export interface Captured {
  method: string;
  route: string;
  status: number;
  body: unknown;
}

export interface Sandbox {
  app: FastifyInstance;
  core: SandboxRuntime;
  url: string;
  captured: Captured[];
  close(): Promise<void>;
}

export const CLIENT_ID = 'frontload-local';
export const CLIENT_SECRET = 'frontload-local-secret';
export const REDIRECT_URI = 'http://127.0.0.1:53682/oauth/callback';
export const SCOPE_CALENDAR = 'https://www.googleapis.com/auth/calendar';
export const SCOPE_READONLY = 'https://www.googleapis.com/auth/calendar.events.readonly';

export async function startSandbox(
  options: { seedDemo?: boolean; startAtMs?: number } = {},
): Promise<Sandbox> {
  const captured: Captured[] = [];
  const capture = (app: FastifyInstance) =>
    app.addHook('onSend', async (request, reply, payload) => {
      const url = request.routeOptions.url ?? request.url;
      if (url.startsWith('/calendar/v3') && typeof payload === 'string' && payload.length > 0) {
        captured.push({
          method: request.method,
          route: url,
          status: reply.statusCode,
          body: JSON.parse(payload),
        });
      }
      return payload;
    });
  const { app, core } = await buildSandbox({
    publicUrl: 'http://127.0.0.1:0',
    controlEnabled: true,
    allowHttpPush: true,
    seedDemo: options.seedDemo ?? false,
    configure: capture,
    ...(options.startAtMs === undefined ? {} : { startAtMs: options.startAtMs }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  core.setPublicUrl(url);
  return { app, core, url, captured, close: () => app.close() };
}

export function createGoogleAccount(
  sandbox: Sandbox,
  local: string,
  extra: Partial<SandboxAccount> = {},
): SandboxAccount {
  return sandbox.core.accounts.create({
    provider: 'google',
    email: `${local}@sandbox.test`,
    name: local.replace(/\b\w/g, (c) => c.toUpperCase()),
    timeZone: 'Europe/Berlin',
    workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    focusTimeSupported: true,
    ...extra,
  });
}

export function oauthClient(sandbox: Sandbox, redirectUri = REDIRECT_URI): OAuth2Client {
  return new OAuth2Client({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    issuers: [sandbox.url],
    // The sandbox clock may run ahead of the wall clock the library computes expiry_date from.
    forceRefreshOnFailure: true,
    endpoints: {
      oauth2AuthBaseUrl: `${sandbox.url}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${sandbox.url}/token`,
      oauth2RevokeUrl: `${sandbox.url}/revoke`,
      tokenInfoUrl: `${sandbox.url}/tokeninfo`,
      oauth2FederatedSignonPemCertsUrl: `${sandbox.url}/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${sandbox.url}/oauth2/v3/certs`,
    },
  });
}

/** Plays the browser on the consent page: picks the account and presses Allow (or Deny). */
export async function consent(
  authUrl: string,
  email: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<URL> {
  const page = await (await fetch(authUrl)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  const consentId = /name="consent" value="([^"]+)"/.exec(page)?.[1];
  const accountRe = new RegExp(
    `name="account" value="([^"]+)"[^>]*>(?:(?!</label>).)*${email.replace(/\./g, '\\.')}`,
    's',
  );
  const accountId = accountRe.exec(page)?.[1];
  if (!action || !consentId || !accountId) throw new Error(`consent page without form for ${email}`);
  const response = await fetch(new URL(action, authUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ consent: consentId, account: accountId, decision }).toString(),
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`consent answered ${response.status}`);
  return new URL(location);
}

/** The whole code flow with PKCE S256 through google-auth-library; returns an authorised client. */
export async function signIn(
  sandbox: Sandbox,
  email: string,
  scopes: string[] = [SCOPE_CALENDAR, 'openid', 'email'],
) {
  const client = oauthClient(sandbox);
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const authUrl = client.generateAuthUrl({
    access_type: 'offline',
    scope: scopes,
    state: 'xyz',
    login_hint: email,
    code_challenge: codeChallenge ?? '',
    code_challenge_method: CodeChallengeMethod.S256,
  });
  const redirect = await consent(authUrl, email);
  const code = redirect.searchParams.get('code') ?? '';
  const { tokens } = await client.getToken({ code, codeVerifier });
  client.setCredentials(tokens);
  return { client, tokens, calendar: calendarFor(sandbox, client) };
}

export function calendarFor(sandbox: Sandbox, auth: OAuth2Client): calendar_v3.Calendar {
  // retry: false so an injected 5xx/429 reaches the test instead of being retried away.
  return google.calendar({ version: 'v3', rootUrl: `${sandbox.url}/`, auth, retry: false });
}

/** The status and Google error body of a rejected googleapis call. */
export async function failure(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (response) return { status: response.status, body: response.data };
    throw error;
  }
  throw new Error('expected the call to fail');
}
