/**
 * Slack test harness: the real @slack/web-api WebClient pointed at the sandbox (`slackApiUrl`), and
 * the OAuth v2 flow driven through the sandbox's consent page as a browser would.
 */
import { WebClient } from '@slack/web-api';
import type { Sandbox } from './helpers.js';

export const SLACK_CLIENT_ID = 'frontload-local';
export const SLACK_CLIENT_SECRET = 'frontload-local-secret';
export const SLACK_REDIRECT_URI = 'http://127.0.0.1:53682/slack/callback';
export const FRONTLOAD_USER_SCOPES = 'users:read.email,im:write,chat:write';

/** A WebClient as Frontload builds it: only the base URL differs; no retries, so errors surface. */
export function slackClient(sandbox: Sandbox, token?: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: `${sandbox.url}/slack/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

export function authorizeUrl(sandbox: Sandbox, userScope: string, state = 'st-1'): string {
  const url = new URL(`${sandbox.url}/slack/oauth/v2/authorize`);
  url.searchParams.set('client_id', SLACK_CLIENT_ID);
  url.searchParams.set('user_scope', userScope);
  url.searchParams.set('redirect_uri', SLACK_REDIRECT_URI);
  url.searchParams.set('state', state);
  return url.toString();
}

/** Opens the consent page, picks the user by email and answers; returns where the browser is sent. */
export async function consent(
  sandbox: Sandbox,
  options: { email?: string; userScope?: string; state?: string; decision?: 'allow' | 'cancel' } = {},
): Promise<{ page: string; location: URL }> {
  const response = await fetch(
    authorizeUrl(sandbox, options.userScope ?? FRONTLOAD_USER_SCOPES, options.state),
  );
  const page = await response.text();
  if (response.status !== 200) throw new Error(`authorize page answered ${response.status}: ${page}`);
  const requestId = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const users = [
    ...page.matchAll(
      /name="user" value="([^"]+)"[^<]*<span><strong>[^<]*<\/strong><br><span class="muted">([^<]+)</g,
    ),
  ];
  const user = users.find((m) => m[2] === (options.email ?? 'alex.tlm@sandbox.test'))?.[1] ?? '';
  const answer = await fetch(`${sandbox.url}/slack/oauth/v2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: requestId, user, decision: options.decision ?? 'allow' }).toString(),
    redirect: 'manual',
  });
  return { page, location: new URL(answer.headers.get('location') ?? 'about:blank') };
}

/** The whole flow: consent as `email`, exchange the code; returns the user token and the exchange answer. */
export async function slackSignIn(sandbox: Sandbox, email = 'alex.tlm@sandbox.test', userScope?: string) {
  const { location } = await consent(sandbox, { email, ...(userScope ? { userScope } : {}) });
  const code = location.searchParams.get('code') ?? '';
  const access = await slackClient(sandbox).oauth.v2.access({
    client_id: SLACK_CLIENT_ID,
    client_secret: SLACK_CLIENT_SECRET,
    code,
    redirect_uri: SLACK_REDIRECT_URI,
  });
  const token = access.authed_user?.access_token ?? '';
  return { token, access, client: slackClient(sandbox, token) };
}
