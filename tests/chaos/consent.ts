/**
 * OAuth consent at the sandbox, as a person's browser goes through it: for the user connecting
 * (or reconnecting) their calendar to Frontload through the API, and for the people of the
 * simulation, who edit calendars with their own tokens (their calendar app, not Frontload).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Provider } from './calendar-agent.js';
import { createOAuth } from '@frontload/providers/oauth';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { PUBLIC_URL } from './stack.js';

const CSRF_HEADER = 'x-csrf-token';

/** Approves the sandbox consent page at `authorizeUrl` for `accountId`; returns the callback URL. */
export async function approveConsent(authorizeUrl: URL, provider: Provider, accountId: string): Promise<URL> {
  const html = await (await fetch(authorizeUrl)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html);
  const consent = /name="consent" value="([^"]+)"/.exec(html);
  if (!action || !consent)
    throw new Error(`no consent form at ${authorizeUrl.origin}${authorizeUrl.pathname}`);
  const form = new URLSearchParams({
    consent: consent[1]!,
    account: accountId,
    decision: provider === 'google' ? 'allow' : 'accept',
  });
  const answer = await fetch(new URL(action[1]!.replaceAll('&amp;', '&'), authorizeUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (!location) throw new Error(`consent answered ${answer.status} without a redirect`);
  return new URL(location);
}

/**
 * Connects (or reconnects) a sandbox account to Frontload through the API's sign-in flow; returns the
 * session cookie the API set.
 */
export async function connectThroughApi(
  apiUrl: string,
  provider: Provider,
  accountId: string,
): Promise<string> {
  const start = await fetch(`${apiUrl}/auth/${provider}/start`, { redirect: 'manual' });
  const location = start.headers.get('location');
  if (!location) throw new Error(`/auth/${provider}/start answered ${start.status}: ${await start.text()}`);
  const callback = await approveConsent(new URL(location), provider, accountId);
  // The sandbox sends the browser to PUBLIC_URL; the API under test listens elsewhere. The browser
  // brings back the nonce cookie /start set, which binds the flow to it.
  const res = await fetch(`${apiUrl}${callback.pathname}${callback.search}`, {
    redirect: 'manual',
    headers: { cookie: cookieHeader(start) },
  });
  if (res.status !== 303) throw new Error(`callback answered ${res.status}: ${await res.text()}`);
  return cookieHeader(res);
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieHeader(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

/** Session plus CSRF headers for the API's writes, as the settings page sends them. */
export async function writeHeaders(apiUrl: string, cookie: string): Promise<Record<string, string>> {
  const res = await fetch(`${apiUrl}/api/v1/csrf-token`, { headers: { cookie } });
  if (!res.ok) throw new Error(`csrf-token answered ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  return {
    cookie: `${cookie}; ${cookieHeader(res)}`,
    [CSRF_HEADER]: token,
    'content-type': 'application/json',
  };
}

/** An access token for a person's own calendar client, valid for the sandbox's next hour. */
export async function personalToken(
  sandboxUrl: string,
  provider: Provider,
  accountId: string,
  nowMs: number,
): Promise<string> {
  const oauth = createOAuth(sandboxOAuthSettings(sandboxUrl, PUBLIC_URL), () => nowMs);
  const verifier = randomBytes(32).toString('base64url');
  const url = await oauth.authorizationUrl(provider, randomUUID(), verifier);
  const callback = await approveConsent(url, provider, accountId);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`consent gave no code: ${callback.search}`);
  return (await oauth.exchangeCode(provider, code, verifier)).accessToken;
}
