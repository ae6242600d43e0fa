/**
 * The page a person lands on when a sign-in or connect flow fails in their browser (Deny on the
 * consent page, a callback link used twice or too late, another browser's link, a provider error).
 * The answer keeps its status and error code; only its body is a page in plain words, with a link
 * back to the settings page, instead of the JSON an API client asks for. A client that prefers JSON
 * (or names no type, as `curl` and scripts do) still gets the coded JSON body.
 */
import { negotiate } from '@fastify/accept-negotiator';
import type { ProviderKind } from '@frontload/providers/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../plugins/error-handler.js';

/** Whether the client asked for a page rather than JSON: a browser navigation lists text/html first. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && negotiate(accept, ['application/json', 'text/html']) === 'text/html';
}

const PROVIDER_NAMES: Record<ProviderKind, string> = { google: 'Google', microsoft: 'Microsoft' };

export interface OAuthFailure {
  code: string;
  statusCode: number;
  requestId: string;
  /** The provider named in the URL, when it is one Frontload knows. */
  provider: ProviderKind | undefined;
  /** The `error` the provider redirected back with (e.g. `access_denied`), if any. */
  providerError: string | undefined;
}

interface Explanation {
  title: string;
  text: string;
}

/** Deny or Cancel on the consent page (`access_denied`), or another error the provider sent back. */
function denied(provider: string, providerError: string | undefined, nothing: string): Explanation {
  if (providerError === 'access_denied') {
    return {
      title: `${provider} did not give Frontload access`,
      text: `Access was not granted on ${provider}’s page (Deny or Cancel was chosen there, or your organisation does not allow it). ${nothing} You can connect whenever you are ready.`,
    };
  }
  return {
    title: `${provider} could not finish the sign-in`,
    text: `${provider} sent you back without granting access${providerError ? ` (it said “${providerError}”)` : ''}. ${nothing} Try again in a moment.`,
  };
}

/** What happened, in the person's words. Each text says only what is known to be true for that code. */
function explain(failure: OAuthFailure): Explanation {
  const provider = failure.provider ? PROVIDER_NAMES[failure.provider] : 'The calendar provider';
  const nothing = 'No calendar was connected and nothing in your calendar changed.';
  switch (failure.code) {
    case 'FL_OAUTH_DENIED':
      return denied(provider, failure.providerError, nothing);
    case 'FL_OAUTH_STATE_INVALID':
      return {
        title: 'This sign-in link cannot be used any more',
        text: `It was already used, it is more than 10 minutes old, or it did not come from Frontload. This happens after going back in the browser during a sign-in, or reloading the page a sign-in returned to. Nothing was done with it. Start again from Frontload’s page.`,
      };
    case 'FL_OAUTH_BROWSER_MISMATCH':
      return {
        title: 'This sign-in cannot be finished here',
        text: `It was started in another browser, or more than 10 minutes ago, or another sign-in was started in this browser after it (for example when going back to an earlier sign-in page). To keep your account safe, Frontload finishes only the newest sign-in this browser started. ${nothing} Start again from this browser.`,
      };
    case 'FL_OAUTH_USER_MISMATCH':
      return {
        title: 'This connection was started by someone else',
        text: `A calendar is added to the Frontload account that started connecting it, and this browser is no longer signed in as that account. ${nothing} Sign in as that account, or start again.`,
      };
    case 'FL_OAUTH_EXCHANGE_FAILED':
      return {
        title: `${provider} did not accept the sign-in`,
        text: `${provider} refused the one-time code that finishes the sign-in. ${nothing} Start again.`,
      };
    case 'FL_PROVIDER_UNAVAILABLE':
      // Raised only before anything is stored: by the sign-in link's discovery or the code exchange.
      return {
        title: `${provider} could not be reached`,
        text: `Frontload could not reach ${provider} to start or finish the sign-in. ${nothing} Try again in a moment.`,
      };
    case 'FL_UNKNOWN_PROVIDER':
      return {
        title: 'Unknown calendar provider',
        text: 'Frontload connects Google Calendar and Microsoft 365; this link names neither, so nothing was started.',
      };
    case 'FL_VALIDATION_FAILED':
      return {
        title: 'This sign-in link is not valid',
        text: 'Part of the link that starts a sign-in is not valid (for example, the page to return to is not on this site), so no sign-in was started. Start again from Frontload’s page.',
      };
    case 'FL_RATE_LIMITED':
      return {
        title: 'Too many sign-in attempts',
        text: 'There were too many sign-in attempts from your network in the last minute, so this one was not started. Wait a minute, then start again.',
      };
    case 'FL_UNAUTHENTICATED':
      return {
        title: 'The account that started this connection is gone',
        text: `The Frontload account that started connecting this calendar was deleted meanwhile. ${nothing} Sign in again.`,
      };
    default:
      // A 5xx may come after the connection was stored (queueing its first sync failed): claim nothing.
      return {
        title: 'The sign-in did not finish',
        text: 'Something went wrong on our side before the sign-in could finish. Try again in a moment.',
      };
  }
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The page itself: the settings page's style sheet, no script, a link back to `/`. */
export function oauthErrorPage(failure: OAuthFailure): string {
  const { title, text } = explain(failure);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <meta name="robots" content="noindex" />
    <title>${escapeHtml(title)} — Frontload</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/styles.css" />
  </head>
  <body>
    <header class="top">
      <div class="brand"><span class="logo" aria-hidden="true">▤</span><span>Frontload</span></div>
    </header>
    <main id="main">
      <section aria-labelledby="failure-title">
        <h1 id="failure-title">${escapeHtml(title)}</h1>
        <p class="lead">${escapeHtml(text)}</p>
        <p class="actions"><a class="button" href="/">Back to Frontload</a></p>
        <p class="muted small">For support: error ${escapeHtml(failure.code)} (HTTP ${failure.statusCode}), request ${escapeHtml(failure.requestId)}.</p>
      </section>
    </main>
  </body>
</html>
`;
}

/**
 * The OAuth routes' error handler: a browser navigation that fails gets the page with the error's
 * status; any other client's error is rethrown to the API's error handler, which answers the coded JSON.
 */
export function oauthErrorHandler(providers: readonly ProviderKind[]) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (!wantsHtml(request)) throw error;
    const body = errorBody(error, request.id);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, statusCode: body.statusCode }, 'request refused');
    const { provider } = request.params as { provider?: string };
    const { error: providerError } = request.query as { error?: unknown };
    const page = oauthErrorPage({
      code: body.code,
      statusCode: body.statusCode,
      requestId: request.id,
      provider: providers.find((p) => p === provider),
      providerError: typeof providerError === 'string' ? providerError : undefined,
    });
    return reply
      .status(body.statusCode)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page);
  };
}
