/** Control API, operations half: fault rules, push faults, the request log and counters. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  AccountParams,
  ErrorReply,
  FaultBody,
  FaultRuleSchema,
  PushFaultBody,
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
}
