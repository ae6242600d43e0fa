/** Control API, operations half: fault rules, push faults, the request log, counters and load. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  AccountLoadReply,
  AccountParams,
  ErrorReply,
  FaultBody,
  FaultRuleSchema,
  MintedTokens,
  MintTokensBody,
  PushFaultBody,
  PushReleaseBody,
  RequestLogQuery,
  RevokeTokenBody,
} from './control-schemas.js';
import type { SandboxRuntime } from './create-core.js';

const tags = ['sandbox'];

type Scope = ReturnType<typeof typed>;
const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();

export async function controlOpsRoutes(app: FastifyInstance, opts: { core: SandboxRuntime }) {
  const scope = typed(app);
  faultRoutes(scope, opts.core);
  pushRoutes(scope, opts.core);
  tokenRoutes(scope, opts.core);
  logRoutes(scope, opts.core);
}

function faultRoutes(scope: Scope, core: SandboxRuntime) {
  scope.get(
    '/_sandbox/faults',
    { schema: { tags, summary: 'Live fault rules', response: { 200: Type.Array(FaultRuleSchema) } } },
    async () => core.faults.list(),
  );
  scope.post(
    '/_sandbox/faults',
    {
      schema: {
        tags,
        summary: 'Inject a fault on a route',
        body: FaultBody,
        response: { 201: FaultRuleSchema, 400: ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.status === undefined && !body.timeout && body.latencyMs === undefined) {
        return reply
          .code(400)
          .send({ error: 'invalid_fault', message: 'a fault needs status, timeout or latencyMs' });
      }
      return reply.code(201).send(core.faults.add(body));
    },
  );
  scope.delete(
    '/_sandbox/faults/:faultId',
    { schema: { tags, summary: 'Remove a fault rule', params: Type.Object({ faultId: Type.String() }) } },
    async (request, reply) =>
      core.faults.remove(request.params.faultId)
        ? reply.code(204).send()
        : reply.code(404).send({ error: 'not_found', message: 'fault not found' }),
  );
  scope.delete(
    '/_sandbox/faults',
    { schema: { tags, summary: 'Remove every fault (and push fault)' } },
    async (_request, reply) => {
      core.faults.clear();
      return reply.code(204).send();
    },
  );
}

function pushRoutes(scope: Scope, core: SandboxRuntime) {
  scope.post(
    '/_sandbox/push-faults',
    {
      schema: { tags, summary: 'Drop, duplicate or delay the next push notifications', body: PushFaultBody },
    },
    async (request, reply) => {
      core.faults.setPushFault(request.body);
      return reply.code(201).send({ pending: core.faults.pushFaults() });
    },
  );
  scope.post(
    '/_sandbox/push/hold',
    { schema: { tags, summary: 'Hold every push notification until release' } },
    async (_request, reply) => {
      core.push.hold();
      return reply.code(204).send();
    },
  );
  scope.post(
    '/_sandbox/push/release',
    {
      schema: {
        tags,
        summary: 'Deliver the held push notifications (oldest first, or newest first with reverse)',
        body: Type.Optional(PushReleaseBody),
        response: { 200: Type.Object({ released: Type.Integer() }) },
      },
    },
    async (request) => ({ released: await core.push.release(request.body ?? {}) }),
  );
  scope.get(
    '/_sandbox/push/deliveries',
    { schema: { tags, summary: 'Every push notification attempted' } },
    async () => core.push.delivered(),
  );
}

function tokenRoutes(scope: Scope, core: SandboxRuntime) {
  scope.post(
    '/_sandbox/accounts/:accountId/revoke-tokens',
    {
      schema: {
        tags,
        summary: 'Revoke every access and refresh token of the account',
        params: AccountParams,
      },
    },
    async (request, reply) => {
      if (!core.accounts.get(request.params.accountId))
        return reply.code(404).send({ error: 'not_found', message: 'account not found' });
      return { revoked: core.tokens.revokeAccount(request.params.accountId) };
    },
  );
  scope.post(
    '/_sandbox/accounts/:accountId/tokens',
    {
      schema: {
        tags,
        summary: 'Mint an offline grant (access + refresh token) as if the user had consented',
        description:
          'For load tests that connect thousands of users without a consent round trip each; the tokens ' +
          'are ordinary sandbox tokens (refreshable, revocable, scope-checked).',
        params: AccountParams,
        body: MintTokensBody,
        response: { 201: MintedTokens, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const account = core.accounts.get(request.params.accountId);
      if (!account) return reply.code(404).send({ error: 'not_found', message: 'account not found' });
      const { clientId = 'frontload-local', scopes, accessTokenSeconds = 3600 } = request.body;
      const grant = { accountId: account.id, provider: account.provider, clientId, scopes };
      const access = core.tokens.issueAccessToken(grant, accessTokenSeconds);
      const refreshToken = core.tokens.issueRefreshToken(grant);
      return reply
        .code(201)
        .send({ accessToken: access.token, refreshToken, expiresAtMs: access.expiresAtMs, scopes });
    },
  );
  scope.post(
    '/_sandbox/tokens/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke one refresh token (the next refresh answers invalid_grant)',
        body: RevokeTokenBody,
      },
    },
    async (request) => ({ revoked: core.tokens.revokeRefreshToken(request.body.refreshToken, true) }),
  );
}

function logRoutes(scope: Scope, core: SandboxRuntime) {
  scope.get(
    '/_sandbox/requests',
    { schema: { tags, summary: 'The request log', querystring: RequestLogQuery } },
    async (request) => {
      const { accountId, provider, sinceMs, route, limit } = request.query;
      const entries = core.log
        .entries({
          ...(accountId === undefined ? {} : { accountId }),
          ...(provider === undefined ? {} : { provider }),
          ...(sinceMs === undefined ? {} : { sinceMs }),
        })
        .filter((e) => route === undefined || e.route === route);
      return limit === undefined ? entries : entries.slice(-limit);
    },
  );
  scope.get(
    '/_sandbox/counters',
    {
      schema: {
        tags,
        summary: 'Per-account API calls and attendee emails sent',
        response: {
          200: Type.Record(
            Type.String(),
            Type.Object({ apiCalls: Type.Integer(), emailsSent: Type.Integer() }),
          ),
        },
      },
    },
    async () => core.log.counters(),
  );
  scope.get(
    '/_sandbox/load',
    {
      schema: {
        tags,
        summary: 'Per-account requests in flight (now and at most at once) and starts per second',
        description:
          'What the providers limit per account (Graph: 4 requests in flight per mailbox; Google: requests ' +
          'per user per minute), on wall-clock time since the last DELETE /_sandbox/load or reset.',
        response: { 200: AccountLoadReply },
      },
    },
    async () => core.log.load(),
  );
  scope.delete(
    '/_sandbox/load',
    { schema: { tags, summary: 'Start measuring the per-account load afresh' } },
    async (_request, reply) => {
      core.log.resetLoad();
      return reply.code(204).send();
    },
  );
}
