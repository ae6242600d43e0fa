/**
 * The /_sandbox control API: accounts, seeding, clock, reset. Mounted only when the sandbox runs in
 * sandbox mode (SANDBOX_CONTROL); never part of a provider's surface. Faults and the log: control-ops.ts.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AccountConflictError } from './accounts.js';
import { controlOpsRoutes } from './control-ops.js';
import {
  AccountParams,
  AccountSchema,
  AdvanceBody,
  ClockBody,
  ClockReply,
  CreateAccountBody,
  ErrorReply,
  ResetBody,
  SeedEventsBody,
  UpdateAccountBody,
} from './control-schemas.js';
import type { SandboxRuntime } from './create-core.js';
import type { SandboxAccount } from './types.js';

const tags = ['sandbox'];
const DEFAULT_HOURS = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

export async function controlRoutes(app: FastifyInstance, opts: { core: SandboxRuntime }) {
  const scope = app.withTypeProvider<TypeBoxTypeProvider>();
  accountRoutes(scope, opts.core);
  accountUpdateRoute(scope, opts.core);
  eventRoutes(scope, opts.core);
  clockRoutes(scope, opts.core);
  await scope.register(controlOpsRoutes, { core: opts.core });
  scope.post(
    '/_sandbox/reset',
    {
      schema: {
        tags,
        summary: 'Forget all state (optionally load the demo again)',
        body: Type.Optional(ResetBody),
      },
    },
    async (request) => {
      opts.core.reset();
      if (request.body?.seedDemo) for (const [, control] of opts.core.providers()) control.seedDemo?.();
      return { accounts: opts.core.accounts.list().length };
    },
  );
}

type Scope = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

function notFound(reply: FastifyReply, what: string) {
  return reply.code(404).send({ error: 'not_found', message: `${what} not found` });
}

function accountRoutes(scope: Scope, core: SandboxRuntime) {
  scope.get(
    '/_sandbox/accounts',
    {
      schema: {
        tags,
        summary: 'List accounts',
        querystring: Type.Object({
          provider: Type.Optional(Type.Union([Type.Literal('google'), Type.Literal('microsoft')])),
        }),
        response: { 200: Type.Array(AccountSchema) },
      },
    },
    async (request) => core.accounts.list(request.query.provider),
  );
  scope.post(
    '/_sandbox/accounts',
    {
      schema: {
        tags,
        summary: 'Create an account',
        body: CreateAccountBody,
        response: { 201: AccountSchema, 400: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!isTimeZone(body.timeZone)) {
        return reply
          .code(400)
          .send({ error: 'invalid_time_zone', message: `unknown IANA zone ${body.timeZone}` });
      }
      try {
        const account: SandboxAccount = core.accounts.create({
          ...body,
          workingHours: body.workingHours ?? DEFAULT_HOURS,
          focusTimeSupported: body.focusTimeSupported ?? body.provider === 'google',
        });
        return reply.code(201).send(account);
      } catch (error) {
        if (error instanceof AccountConflictError)
          return reply.code(409).send({ error: 'conflict', message: error.message });
        throw error;
      }
    },
  );
  scope.get(
    '/_sandbox/accounts/:accountId',
    {
      schema: {
        tags,
        summary: 'Get an account',
        params: AccountParams,
        response: { 200: AccountSchema, 404: ErrorReply },
      },
    },
    async (request, reply) => core.accounts.get(request.params.accountId) ?? notFound(reply, 'account'),
  );
}

/** What an account's owner may change later, as in Outlook's settings: its working hours. */
function accountUpdateRoute(scope: Scope, core: SandboxRuntime) {
  scope.patch(
    '/_sandbox/accounts/:accountId',
    {
      schema: {
        tags,
        summary: "Change an account's settings (its working hours, as its owner would in Outlook)",
        params: AccountParams,
        body: UpdateAccountBody,
        response: { 200: AccountSchema, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const account = core.accounts.get(request.params.accountId);
      if (!account) return notFound(reply, 'account');
      if (request.body.workingHours) account.workingHours = request.body.workingHours;
      return account;
    },
  );
}

function eventRoutes(scope: Scope, core: SandboxRuntime) {
  const withControl = (accountId: string) => {
    const account = core.accounts.get(accountId);
    const control = account ? core.provider(account.provider) : undefined;
    return account && control ? { account, control } : undefined;
  };
  scope.post(
    '/_sandbox/accounts/:accountId/events',
    {
      schema: {
        tags,
        summary: "Seed events in the provider's own shape",
        params: AccountParams,
        body: SeedEventsBody,
      },
    },
    async (request, reply) => {
      const target = withControl(request.params.accountId);
      if (!target) return notFound(reply, 'account');
      try {
        return reply.code(201).send(target.control.seedEvents(target.account.id, request.body.events));
      } catch (error) {
        if (error instanceof Error && 'statusCode' in error) throw error;
        return reply.code(400).send({ error: 'invalid_event', message: String(error) });
      }
    },
  );
  scope.get(
    '/_sandbox/accounts/:accountId/events',
    { schema: { tags, summary: 'The calendar as the provider would list it', params: AccountParams } },
    async (request, reply) => {
      const target = withControl(request.params.accountId);
      return target ? target.control.dumpEvents(target.account.id) : notFound(reply, 'account');
    },
  );
  scope.post(
    '/_sandbox/accounts/:accountId/invalidate-sync-tokens',
    {
      schema: { tags, summary: 'Next use of any sync token / delta link answers 410', params: AccountParams },
    },
    async (request, reply) => {
      const target = withControl(request.params.accountId);
      if (!target) return notFound(reply, 'account');
      target.control.invalidateSyncTokens(target.account.id);
      return reply.code(204).send();
    },
  );
}

function clockRoutes(scope: Scope, core: SandboxRuntime) {
  const now = () => ({ nowMs: core.clock.nowMs(), iso: new Date(core.clock.nowMs()).toISOString() });
  scope.get(
    '/_sandbox/clock',
    { schema: { tags, summary: 'Sandbox now', response: { 200: ClockReply } } },
    async () => now(),
  );
  scope.post(
    '/_sandbox/clock',
    {
      schema: {
        tags,
        summary: 'Set the clock (never backwards)',
        body: ClockBody,
        response: { 200: ClockReply, 400: ErrorReply },
      },
    },
    async (request, reply) => {
      const { nowMs, iso } = request.body;
      const target = nowMs ?? (iso === undefined ? undefined : Date.parse(iso));
      if (target === undefined || (nowMs !== undefined && iso !== undefined) || Number.isNaN(target)) {
        return reply.code(400).send({ error: 'invalid_clock', message: 'give exactly one of nowMs or iso' });
      }
      if (target < core.clock.nowMs()) {
        return reply
          .code(400)
          .send({ error: 'clock_backwards', message: 'the sandbox clock never moves backwards' });
      }
      core.clock.set(target);
      return now();
    },
  );
  scope.post(
    '/_sandbox/clock/advance',
    { schema: { tags, summary: 'Advance the clock', body: AdvanceBody, response: { 200: ClockReply } } },
    async (request) => {
      core.clock.advance(request.body.ms);
      return now();
    },
  );
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
