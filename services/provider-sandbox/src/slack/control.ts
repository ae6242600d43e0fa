/** The Slack emulation's control API (`/_sandbox/slack/...`) and its hooks for the core control API. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import Type, { type Static } from 'typebox';
import type { ProviderControl } from '../core/types.js';
import { demoEmail, TLM_WEEK, type DemoScenario } from '../demo/tlm-week.js';
import { SlackConflictError, type SlackMessage, type SlackUser, type SlackWorkspace } from './workspace.js';

const tags = ['sandbox'];

const UserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    realName: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 80, description: 'Slack handle; default: the local part' }),
    ),
    id: Type.Optional(
      Type.String({ pattern: '^[UW][A-Z0-9]{2,20}$', description: 'Slack user id; default: random U…' }),
    ),
    tz: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone; default Europe/Berlin' }),
    ),
  },
  { additionalProperties: false },
);

const UserParams = Type.Object({ userId: Type.String() });
const MessagesQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union([Type.Literal('scheduled'), Type.Literal('sent'), Type.Literal('deleted')]),
    ),
    channel: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const userView = (user: SlackUser) => ({
  id: user.id,
  name: user.name,
  real_name: user.realName,
  email: user.email,
  tz: user.tz,
});

function messageView(workspace: SlackWorkspace, message: SlackMessage) {
  const email = (id: string | undefined) => (id === undefined ? undefined : workspace.user(id)?.email);
  return {
    id: message.id,
    channel: message.channel,
    from: { id: message.fromUserId, email: email(message.fromUserId) },
    to: message.toUserId === undefined ? null : { id: message.toUserId, email: email(message.toUserId) },
    text: message.text,
    post_at: message.postAt,
    date_created: message.dateCreated,
    state: message.state,
    ...(message.settledAt === undefined ? {} : { settled_at: message.settledAt }),
  };
}

const notFound = (reply: FastifyReply, what: string) =>
  reply.code(404).send({ error: 'not_found', message: `${what} not found` });

export function slackControlRoutes(scope: FastifyInstance, workspace: SlackWorkspace) {
  scope.get(
    '/_sandbox/slack/users',
    { schema: { tags, summary: 'Users of the Slack workspace (T0FRONTLD)' } },
    async () => workspace.listUsers().map(userView),
  );
  scope.post(
    '/_sandbox/slack/users',
    { schema: { tags, summary: 'Add a user to the Slack workspace', body: UserBody } },
    async (request, reply) => {
      try {
        return await reply
          .code(201)
          .send(userView(workspace.addUser(request.body as Static<typeof UserBody>)));
      } catch (error) {
        if (error instanceof SlackConflictError)
          return reply.code(409).send({ error: 'conflict', message: error.message });
        throw error;
      }
    },
  );
  scope.post(
    '/_sandbox/slack/users/:userId/revoke-tokens',
    {
      schema: {
        tags,
        summary: "Revoke every token of a Slack user (the app's access was removed)",
        params: UserParams,
      },
    },
    async (request, reply) => {
      const { userId } = request.params as Static<typeof UserParams>;
      if (!workspace.user(userId)) return notFound(reply, `Slack user ${userId}`);
      return { revoked: workspace.revokeUser(userId) };
    },
  );
  scope.get(
    '/_sandbox/slack/messages',
    {
      schema: {
        tags,
        summary:
          'Slack messages: scheduled (pending), sent (post_at passed on the sandbox clock) and deleted',
        querystring: MessagesQuery,
      },
    },
    async (request) => {
      const query = request.query as Static<typeof MessagesQuery>;
      return workspace
        .allMessages()
        .filter(
          (m) =>
            (query.state === undefined || m.state === query.state) &&
            (query.channel === undefined || m.channel === query.channel),
        )
        .map((m) => messageView(workspace, m));
    },
  );
}

/** One Slack user per demo person with a sandbox account (externals are outside the workspace). */
export function seedSlackDemo(workspace: SlackWorkspace, scenario: DemoScenario = TLM_WEEK) {
  for (const person of scenario.people) {
    if (person.external) continue;
    const email = demoEmail(scenario, person);
    if (workspace.byEmail(email)) continue;
    workspace.addUser({
      // Stable ids, so a demo reset gives the same users: U0 + the person's key.
      id: `U0${person.key.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
      email,
      realName: person.name,
      name: person.email.replace(/@.*$/, ''),
      tz: person.timeZone,
    });
  }
}

const noCalendar = () => {
  throw new Error('Slack has no calendar');
};

export function createSlackControl(workspace: SlackWorkspace): ProviderControl {
  return {
    seedEvents: noCalendar,
    invalidateSyncTokens: noCalendar,
    dumpEvents: noCalendar,
    reset: () => workspace.reset(),
    faultResponse(status) {
      // Slack answers 429 with `ratelimited`; other injected statuses carry a generic Slack error body.
      const error =
        status === 429 ? 'ratelimited' : status === 503 ? 'service_unavailable' : 'internal_error';
      return { body: { ok: false, error } };
    },
    seedDemo: () => seedSlackDemo(workspace),
  };
}
