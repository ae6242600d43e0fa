/**
 * Test harness for the Microsoft emulation: the real sandbox (buildSandbox) on 127.0.0.1, the real
 * @microsoft/microsoft-graph-client (its AuthenticationHandler skips non-https hosts, so a middleware of
 * ours sets the bearer header — PROVIDERS.md §9), an OAuth code flow with PKCE over plain fetch, and a
 * local webhook receiver.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { FastifyInstance } from 'fastify';
import { buildSandbox } from '../src/app.js';
import type { SandboxRuntime } from '../src/core/create-core.js';
import type { SandboxAccount } from '../src/core/types.js';

export const CLIENT_ID = 'frontload-local';
export const CLIENT_SECRET = 'frontload-local-secret';
export const REDIRECT_URI = 'http://127.0.0.1:5999/auth/microsoft/callback';
export const SCOPES = 'openid offline_access User.Read Calendars.ReadWrite MailboxSettings.Read';
/** Monday 23 November 2026, 08:00 UTC. */
export const START_MS = Date.parse('2026-11-23T08:00:00Z');

export interface Sandbox {
  app: FastifyInstance;
  core: SandboxRuntime;
  base: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startSandbox(options: { allowHttpPush?: boolean } = {}): Promise<Sandbox> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { app, core } = await buildSandbox({
    publicUrl: base,
    controlEnabled: true,
    allowHttpPush: options.allowHttpPush ?? true,
    seedDemo: false,
    startAtMs: START_MS,
  });
  await app.listen({ host: '127.0.0.1', port });
  return { app, core, base, close: () => app.close() };
}

export function createAccount(
  core: SandboxRuntime,
  name: string,
  email: string,
  timeZone = 'Europe/Berlin',
): SandboxAccount {
  return core.accounts.create({
    provider: 'microsoft',
    email,
    name,
    timeZone,
    workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    focusTimeSupported: false,
  });
}

export interface TokenResponse {
  token_type: string;
  scope: string;
  expires_in: number;
  access_token: string;
  refresh_token?: string;
}

export const pkce = (): { verifier: string; challenge: string } => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** Drives the consent page like a browser: GET the form, POST the chosen account and decision. */
export async function authorize(
  base: string,
  accountId: string,
  params: { scope?: string; challenge?: string; decision?: 'accept' | 'cancel'; state?: string } = {},
): Promise<URL> {
  const url = new URL(`${base}/common/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: params.scope ?? SCOPES,
    state: params.state ?? 'xyz',
    ...(params.challenge === undefined
      ? {}
      : { code_challenge: params.challenge, code_challenge_method: 'S256' }),
  }).toString();
  return completeConsent(url, accountId, params.decision ?? 'accept');
}

/** Answers the consent page at `url` as a user would (pick the account, press Accept or Cancel). */
export async function completeConsent(
  url: URL,
  accountId: string,
  decision: 'accept' | 'cancel' = 'accept',
): Promise<URL> {
  const page = await fetch(url);
  const html = await page.text();
  const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (consent === undefined || action === undefined)
    throw new Error(`no consent form: ${page.status} ${html.slice(0, 200)}`);
  const submit = await fetch(new URL(action, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ consent, account: accountId, decision }).toString(),
  });
  return new URL(submit.headers.get('location') ?? 'about:blank');
}

export async function tokenRequest(
  base: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...form }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Full code flow with PKCE; returns the token response. */
export async function signIn(base: string, accountId: string, scope = SCOPES): Promise<TokenResponse> {
  const { verifier, challenge } = pkce();
  const redirect = await authorize(base, accountId, { scope, challenge });
  const code = redirect.searchParams.get('code') ?? '';
  const { status, body } = await tokenRequest(base, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    scope,
  });
  if (status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  return body as unknown as TokenResponse;
}

class BearerMiddleware implements Middleware {
  private nextMiddleware: Middleware | undefined;
  constructor(private readonly token: () => string) {}
  async execute(context: Context): Promise<void> {
    const headers = new Headers((context.options?.headers ?? {}) as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${this.token()}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers.entries()) };
    await this.nextMiddleware?.execute(context);
  }
  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}

/** Records every response the client receives (conformance walks them afterwards). */
export class ResponseRecorder implements Middleware {
  readonly responses: { method: string; url: string; status: number; body: unknown }[] = [];
  private nextMiddleware: Middleware | undefined;
  async execute(context: Context): Promise<void> {
    await this.nextMiddleware?.execute(context);
    const response = context.response;
    if (response === undefined) return;
    const text = await response.clone().text();
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    this.responses.push({ method: context.options?.method ?? 'GET', url, status: response.status, body });
  }
  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}

/** Bearer middleware followed by `rest` (e.g. the client's own RetryHandler, then HTTPMessageHandler). */
export function chain(token: () => string, ...rest: Middleware[]): Middleware {
  const head = new BearerMiddleware(token);
  let tail: Middleware = head;
  for (const next of rest) {
    tail.setNext?.(next);
    tail = next;
  }
  return head;
}

export function graphClient(
  base: string,
  token: string | (() => string),
  recorder?: ResponseRecorder,
): Client {
  const bearer = new BearerMiddleware(typeof token === 'string' ? () => token : token);
  const http = new HTTPMessageHandler();
  if (recorder === undefined) bearer.setNext(http);
  else {
    bearer.setNext(recorder);
    recorder.setNext(http);
  }
  return Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: bearer });
}

/**
 * The client cannot follow absolute http:// links itself (GraphRequest.parsePath only strips
 * https:// hosts), so links are made relative to the version segment before calling `.api()`.
 */
export const relative = (link: string): string => link.replace(/^https?:\/\/[^/]+\/v1\.0/, '');

export interface Receiver {
  url: string;
  notifications: Record<string, unknown>[];
  validations: string[];
  /** How the receiver answers validation requests (default: echo the decoded token as text/plain). */
  mode: 'echo' | 'encoded' | 'refuse' | 'json';
  waitFor(
    predicate: (n: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startReceiver(): Promise<Receiver> {
  const notifications: Record<string, unknown>[] = [];
  const validations: string[] = [];
  const receiver = { mode: 'echo' } as Receiver;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      const body = await readAll(request);
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        validations.push(token);
        if (receiver.mode === 'refuse') return void response.writeHead(500).end();
        const type = receiver.mode === 'json' ? 'application/json' : 'text/plain';
        const value = receiver.mode === 'encoded' ? encodeURIComponent(token) : token;
        return void response.writeHead(200, { 'content-type': type }).end(value);
      }
      const parsed = JSON.parse(body) as { value: Record<string, unknown>[] };
      notifications.push(...parsed.value);
      response.writeHead(202).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/graph/notify`,
    notifications,
    validations,
    async waitFor(predicate: (n: Record<string, unknown>) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = notifications.find(predicate);
        if (hit !== undefined) return hit;
        if (Date.now() > deadline)
          throw new Error(`no matching notification in ${JSON.stringify(notifications)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
