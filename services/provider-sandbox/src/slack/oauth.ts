/**
 * Slack's OAuth v2 for user tokens: the authorize page (`/slack/oauth/v2/authorize`, a consent screen
 * listing the workspace's users) and `oauth.v2.access` (code → `xoxp-` user token). Bot scopes are
 * not emulated: the sandbox has no bot user.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import { slackConsentPage, slackErrorPage } from './consent-page.js';
import { paramsOf, SlackApiError } from './web-api.js';
import { APP_ID, SLACK_CLIENT, TEAM, type SlackWorkspace } from './workspace.js';

/** User scopes the sandbox grants (what Frontload asks for, and a few neighbours). */
export const SLACK_USER_SCOPES = new Set([
  'chat:write',
  'im:write',
  'im:read',
  'im:history',
  'users:read',
  'users:read.email',
  'users.profile:read',
]);

const splitScopes = (value: string | undefined) =>
  (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

function withQuery(uri: string, query: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

function basicClient(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const [id, ...rest] = Buffer.from(match[1], 'base64').toString('utf8').split(':');
  return id === undefined ? undefined : { id, secret: rest.join(':') };
}

export function registerSlackOAuth(scope: FastifyInstance, core: SandboxCore, workspace: SlackWorkspace) {
  scope.get('/slack/oauth/v2/authorize', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const page = (status: number, code: string, message: string) =>
      reply.code(status).type('text/html; charset=utf-8').send(slackErrorPage(code, message));
    if (query.client_id !== SLACK_CLIENT.id) {
      return page(400, 'invalid_client_id', `Unknown client_id; the sandbox's app is ${SLACK_CLIENT.id}.`);
    }
    if (!query.redirect_uri || !/^https?:\/\//.test(query.redirect_uri)) {
      return page(400, 'bad_redirect_uri', 'redirect_uri must be an http(s) URL.');
    }
    if (splitScopes(query.scope).length > 0) {
      return page(400, 'invalid_scope', 'Bot scopes are not emulated; ask for user_scope only.');
    }
    const userScopes = splitScopes(query.user_scope);
    const unknown = userScopes.filter((s) => !SLACK_USER_SCOPES.has(s));
    if (userScopes.length === 0 || unknown.length > 0) {
      return page(400, 'invalid_scope', `Invalid user_scope: ${unknown.join(',') || '(none)'}`);
    }
    const pending = workspace.startAuthorization({
      clientId: query.client_id,
      redirectUri: query.redirect_uri,
      state: query.state,
      userScopes,
    });
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        slackConsentPage({
          requestId: pending.id,
          clientId: pending.clientId,
          teamName: TEAM.name,
          userScopes,
          users: workspace.listUsers(),
          action: `${core.browserUrl()}/slack/oauth/v2/authorize`,
        }),
      );
  });

  registerConsentAnswer(scope, workspace);
  registerTokenExchange(scope, core, workspace);
}

/** The consent form's answer: a code (Allow) or `error=access_denied` (Cancel), sent to the redirect URI. */
function registerConsentAnswer(scope: FastifyInstance, workspace: SlackWorkspace) {
  scope.post('/slack/oauth/v2/authorize', async (request, reply) => {
    const form = paramsOf(request);
    const pending = form.request ? workspace.takeAuthorization(form.request) : undefined;
    if (!pending) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          slackErrorPage('invalid_request', 'This authorization request is unknown or was already answered.'),
        );
    }
    if (form.decision !== 'allow') {
      return reply.redirect(
        withQuery(pending.redirectUri, { error: 'access_denied', state: pending.state }),
        302,
      );
    }
    const user = form.user ? workspace.user(form.user) : undefined;
    if (!user) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(slackErrorPage('invalid_request', 'Pick a user.'));
    }
    const code = workspace.issueCode(pending, user.id);
    return reply.redirect(withQuery(pending.redirectUri, { code, state: pending.state }), 302);
  });
}

/** `oauth.v2.access`: the code (once, within ten minutes) for a user token. */
function registerTokenExchange(scope: FastifyInstance, core: SandboxCore, workspace: SlackWorkspace) {
  scope.post('/slack/api/oauth.v2.access', async (request) => {
    const params = paramsOf(request);
    const client = basicClient(request.headers.authorization) ?? {
      id: params.client_id ?? '',
      secret: params.client_secret ?? '',
    };
    if (client.id !== SLACK_CLIENT.id) throw new SlackApiError('invalid_client_id');
    if (client.secret !== SLACK_CLIENT.secret) throw new SlackApiError('bad_client_secret');
    const issued = params.code ? workspace.redeemCode(params.code) : undefined;
    if (!issued || issued.clientId !== client.id) throw new SlackApiError('invalid_code');
    if (params.redirect_uri !== undefined && params.redirect_uri !== issued.redirectUri) {
      throw new SlackApiError('bad_redirect_uri');
    }
    const token = workspace.issueToken(issued.userId, issued.userScopes);
    core.log.noteAccount(request, issued.userId);
    return {
      ok: true,
      app_id: APP_ID,
      authed_user: {
        id: issued.userId,
        scope: issued.userScopes.join(','),
        access_token: token.token,
        token_type: 'user',
      },
      team: { id: TEAM.id, name: TEAM.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  });
}
