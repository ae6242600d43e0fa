/**
 * Test support: a sandbox account with a real access token, obtained the way a browser would — the
 * sandbox's consent page (PKCE S256) and token endpoint — because the sandbox has no control route that
 * issues tokens. Also a TokenSource over that token and a tiny push receiver for watch tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSandbox, SandboxAccountInput } from '@frontload/testing';
import type { ProviderSettings, TokenSource } from '../src/calendar-provider.js';
import { OAUTH_SCOPES } from '../src/oauth.js';

const CLIENT = { id: 'frontload-local', secret: 'frontload-local-secret' };
const REDIRECT = 'http://127.0.0.1:9/auth/callback';

interface ProviderOAuth {
  authorize: string;
  token: string;
  allow: string;
}

function endpoints(sandbox: RunningSandbox, provider: 'google' | 'microsoft'): ProviderOAuth {
  return provider === 'google'
    ? { authorize: `${sandbox.url}/o/oauth2/v2/auth`, token: `${sandbox.url}/token`, allow: 'allow' }
    : {
        authorize: `${sandbox.url}/common/oauth2/v2.0/authorize`,
        token: `${sandbox.url}/common/oauth2/v2.0/token`,
        allow: 'accept',
      };
}

async function consentCode(oauth: ProviderOAuth, provider: 'google' | 'microsoft', accountId: string) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(oauth.authorize);
  url.search = new URLSearchParams({
    client_id: CLIENT.id,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: OAUTH_SCOPES[provider].join(' '),
    state: 'test',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const html = await (await fetch(url)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !consent) throw new Error(`no consent form: ${html.slice(0, 300)}`);
  const answer = await fetch(new URL(action.replaceAll('&amp;', '&'), url), {
    method: 'POST',
    body: new URLSearchParams({ consent, account: accountId, decision: oauth.allow }),
    redirect: 'manual',
  });
  const code = new URL(answer.headers.get('location') ?? 'http://x/').searchParams.get('code');
  if (!code) throw new Error(`consent gave no code (HTTP ${answer.status})`);
  return { code, verifier };
}

/** An access token for a sandbox account, through consent page and token endpoint. */
export async function sandboxAccessToken(
  sandbox: RunningSandbox,
  provider: 'google' | 'microsoft',
  accountId: string,
): Promise<string> {
  const oauth = endpoints(sandbox, provider);
  const { code, verifier } = await consentCode(oauth, provider, accountId);
  const response = await fetch(oauth.token, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A TokenSource that serves `tokens` in order, moving to the next one on invalidate(). */
export function tokenSequence(...tokens: string[]): TokenSource & { invalidations: number } {
  const source = {
    invalidations: 0,
    getAccessToken: () => Promise.resolve(tokens[Math.min(source.invalidations, tokens.length - 1)] ?? ''),
    invalidate: () => {
      source.invalidations += 1;
    },
  };
  return source;
}

export interface SandboxUser {
  accountId: string;
  email: string;
  token: string;
  settings: ProviderSettings;
}

/** Creates an account and connects it: a ready ProviderSettings for the adapter under test. */
export async function connectSandboxUser(
  sandbox: RunningSandbox,
  input: SandboxAccountInput,
): Promise<SandboxUser> {
  const account = await sandbox.createAccount(input);
  const token = await sandboxAccessToken(sandbox, input.provider, account.id);
  return {
    accountId: account.id,
    email: account.email,
    token,
    settings: { tokens: tokenSequence(token), apiBaseUrl: sandbox.url, now: () => Date.now() },
  };
}

export interface PushReceiver {
  url: string;
  received: { url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A local HTTP endpoint that records pushes and answers Graph's validation handshake (M-VALID). */
export async function startPushReceiver(): Promise<PushReceiver> {
  const received: PushReceiver['received'] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
      }
      received.push({ url: url.pathname, headers: request.headers, body });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
