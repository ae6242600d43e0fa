/**
 * Entry point of the Slack emulation: OAuth v2 (user tokens) and a Web API subset under /slack,
 * wire-compatible with @slack/web-api (`new WebClient(token, { slackApiUrl: `${sandboxUrl}/slack/api/` })`).
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import { createSlackControl, slackControlRoutes } from './control.js';
import { registerSlackOAuth } from './oauth.js';
import { registerWebApi, SlackApiError } from './web-api.js';
import { SlackWorkspace } from './workspace.js';

export const slackPlugin: FastifyPluginAsync<{ core: SandboxCore }> = async (scope, { core }) => {
  await scope.register(formbody);
  const workspace = new SlackWorkspace(core.clock);
  // A scheduled message is sent the moment the sandbox clock passes its post_at.
  core.clock.onChange(() => workspace.settle());
  scope.setErrorHandler(async (error, request, reply) => {
    if (error instanceof SlackApiError)
      return reply.code(200).send({ ok: false, error: error.code, ...error.extra });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'slack emulation failed');
    const message = error instanceof Error ? error.message : String(error);
    // The control API answers like the core's: the HTTP status and a message.
    if (request.url.startsWith('/_sandbox'))
      return reply.code(status).send({ error: 'bad_request', message });
    // Slack reports a body it cannot read as `invalid_form_data`, still with HTTP 200.
    return status < 500
      ? reply.code(200).send({ ok: false, error: 'invalid_form_data' })
      : reply.code(500).send({ ok: false, error: 'internal_error' });
  });
  registerSlackOAuth(scope, core, workspace);
  registerWebApi(scope, core, workspace);
  if (core.controlEnabled) slackControlRoutes(scope, workspace);
  core.registerProvider('slack', createSlackControl(workspace));
};
