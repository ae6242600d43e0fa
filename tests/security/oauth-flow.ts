/**
 * One sign-in or connect flow against the API in process (`app.inject`) and the sandbox's consent
 * page, as one browser goes through it: the cookies `/start` sets come back to the callback.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { startSandbox, type RunningSandbox, type SandboxAccountInput } from '@frontload/testing';
import { afterAll, beforeAll } from 'vitest';

export interface FlowResult {
  /** The callback's answer. */
  status: number;
  location: string | undefined;
  body: string;
  /** `name=value` of the session cookie the callback set, if any. */
  session: string | undefined;
}

export interface SandboxApp {
  sandbox: RunningSandbox;
  t: TestApp;
  /** The sandbox account made for the suite (empty without `account`). */
  accountId: string;
}

/**
 * A sandbox and the API in process against it for the enclosing `describe`: started before its tests
 * (with `account` made in the sandbox first, in Europe/Berlin), closed after them. The object returned
 * is filled in once started; `app` is passed on to `buildTestApp`.
 */
export function useSandboxApp(
  options: {
    account?: Omit<SandboxAccountInput, 'timeZone'>;
    app?: Omit<NonNullable<Parameters<typeof buildTestApp>[0]>, 'sandboxUrl'>;
  } = {},
): SandboxApp {
  const env = { accountId: '' } as SandboxApp;
  beforeAll(async () => {
    env.sandbox = await startSandbox();
    if (options.account) {
      env.accountId = (await env.sandbox.createAccount({ ...options.account, timeZone: 'Europe/Berlin' })).id;
    }
    env.t = await buildTestApp({ sandboxUrl: env.sandbox.url, ...options.app });
  });
  afterAll(async () => {
    await env.t?.close();
    await env.sandbox?.close();
  });
  return env;
}

/** Answers the sandbox consent page at `authorizeUrl` for `accountId`; returns the callback URL. */
export async function approveConsent(authorizeUrl: URL, accountId: string, provider: string): Promise<URL> {
  const html = await (await fetch(authorizeUrl)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !consent) throw new Error(`no consent form at ${authorizeUrl.href}`);
  const answer = await fetch(new URL(action.replaceAll('&amp;', '&'), authorizeUrl), {
    method: 'POST',
    body: new URLSearchParams({
      consent,
      account: accountId,
      decision: provider === 'google' ? 'allow' : 'accept',
    }),
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (!location) throw new Error(`consent answered ${answer.status} without a redirect`);
  return new URL(location);
}

/** Starts at `/auth/{provider}/start` (with `cookie` when signed in), consents, and calls back. */
export async function runFlow(
  t: TestApp,
  provider: 'google' | 'microsoft',
  accountId: string,
  options: {
    /** The session cookie of the browser at `/start` (a connect flow), and at the callback. */
    cookie?: string;
    /** A different session cookie at the callback (the browser signed in as someone else meanwhile). */
    callbackSession?: string;
    returnTo?: string;
  } = {},
): Promise<FlowResult> {
  const query = options.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(options.returnTo)}`;
  const start = await t.app.inject({
    method: 'GET',
    url: `/auth/${provider}/start${query}`,
    headers: options.cookie ? { cookie: options.cookie } : {},
  });
  if (start.statusCode !== 302) throw new Error(`/start answered ${start.statusCode}: ${start.body}`);
  const callback = await approveConsent(new URL(String(start.headers.location)), accountId, provider);
  const cookie = [
    options.callbackSession ?? options.cookie,
    ...start.cookies.map((c) => `${c.name}=${c.value}`),
  ]
    .filter(Boolean)
    .join('; ');
  const res = await t.app.inject({
    method: 'GET',
    url: `${callback.pathname}${callback.search}`,
    headers: { cookie },
  });
  const session = res.cookies.find((c) => c.name === 'fl_session');
  return {
    status: res.statusCode,
    location: res.headers.location as string | undefined,
    body: res.body,
    session: session ? `${session.name}=${session.value}` : undefined,
  };
}
