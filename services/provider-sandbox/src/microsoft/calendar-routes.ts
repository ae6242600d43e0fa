/**
 * GET /me/calendar and /me/calendars: every sandbox mailbox has exactly one calendar, its default one
 * (named "Calendar", as Outlook names it). Calendar-scoped event paths beyond /me/calendar are not emulated.
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxAccount } from '../core/types.js';
import { requirePermission } from './auth.js';
import { graphBase, sendGraph, type MicrosoftContext } from './context.js';
import { calendarIdOf, changeKeyOf } from './store.js';

function calendarJson(ctx: MicrosoftContext, account: SandboxAccount): Record<string, unknown> {
  const id = calendarIdOf(account.id);
  return {
    '@odata.id': `${graphBase(ctx.core)}/users('${account.id}')/calendars('${id}')`,
    id,
    name: 'Calendar',
    color: 'auto',
    isDefaultCalendar: true,
    changeKey: changeKeyOf(id, '1'),
    canShare: true,
    canViewPrivateItems: true,
    hexColor: '',
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: false,
    owner: { name: account.name, address: account.email },
  };
}

export function registerCalendarRoutes(app: FastifyInstance, ctx: MicrosoftContext): void {
  app.get('/me/calendar', async (request, reply) => {
    const caller = requirePermission(request, 'calendars.read');
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#users('${caller.account.id}')/calendars/$entity`,
      ...calendarJson(ctx, caller.account),
    };
    return sendGraph(request, reply, 200, body);
  });
  app.get('/me/calendars', async (request, reply) => {
    const caller = requirePermission(request, 'calendars.read');
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#users('${caller.account.id}')/calendars`,
      value: [calendarJson(ctx, caller.account)],
    };
    return sendGraph(request, reply, 200, body);
  });
}
