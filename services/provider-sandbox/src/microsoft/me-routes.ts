/**
 * /me and /me/mailboxSettings. The mailbox reports its zone as a Windows name (mapped from the account's
 * IANA zone with windows-iana) and its working hours as Graph's workingHours (PROVIDERS.md §6, M-MBX).
 */
import type { FastifyInstance } from 'fastify';
import type { SandboxAccount } from '../core/types.js';
import { requirePermission } from './auth.js';
import { graphBase, sendGraph, type MicrosoftContext } from './context.js';
import { badRequest } from './errors.js';
import { graphTimeOfDay, graphWeekday, windowsZone } from './time.js';

export function workingHoursOf(account: SandboxAccount): Record<string, unknown> {
  return {
    daysOfWeek: [...account.workingHours.days].sort((a, b) => a - b).map(graphWeekday),
    startTime: graphTimeOfDay(account.workingHours.start),
    endTime: graphTimeOfDay(account.workingHours.end),
    timeZone: { name: windowsZone(account.timeZone) },
  };
}

function mailboxSettings(account: SandboxAccount): Record<string, unknown> {
  const never = { dateTime: '0001-01-01T00:00:00.0000000', timeZone: 'UTC' };
  return {
    automaticRepliesSetting: {
      status: 'disabled',
      externalAudience: 'all',
      scheduledStartDateTime: never,
      scheduledEndDateTime: never,
      internalReplyMessage: '',
      externalReplyMessage: '',
    },
    timeZone: windowsZone(account.timeZone),
    language: { locale: 'en-US', displayName: 'English (United States)' },
    workingHours: workingHoursOf(account),
    userPurpose: { value: 'user' },
    dateFormat: 'M/d/yyyy',
    timeFormat: 'h:mm tt',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
  };
}

function user(account: SandboxAccount): Record<string, unknown> {
  const [givenName = account.name, ...rest] = account.name.split(' ');
  return {
    businessPhones: [],
    displayName: account.name,
    givenName,
    jobTitle: null,
    mail: account.email,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rest.length === 0 ? null : rest.join(' '),
    userPrincipalName: account.email,
    id: account.id,
  };
}

export function registerMeRoutes(app: FastifyInstance, ctx: MicrosoftContext): void {
  app.get('/me', async (request, reply) => {
    const caller = requirePermission(request, 'user.read');
    return sendGraph(request, reply, 200, {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#users/$entity`,
      ...user(caller.account),
    });
  });
  app.get('/me/mailboxSettings', async (request, reply) => {
    const caller = requirePermission(request, 'mailbox.read');
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#Me/mailboxSettings`,
      ...mailboxSettings(caller.account),
    };
    return sendGraph(request, reply, 200, body);
  });
  app.get<{ Params: { property: string } }>('/me/mailboxSettings/:property', async (request, reply) => {
    const caller = requirePermission(request, 'mailbox.read');
    const settings = mailboxSettings(caller.account);
    const key = Object.keys(settings).find((k) => k.toLowerCase() === request.params.property.toLowerCase());
    if (key === undefined)
      throw badRequest(`Resource not found for the segment '${request.params.property}'.`);
    const value = settings[key];
    const context = `${graphBase(ctx.core)}/$metadata#users('${caller.account.id}')/mailboxSettings/${key}`;
    const body =
      typeof value === 'object' && value !== null
        ? { '@odata.context': context, ...value }
        : { '@odata.context': context, value };
    return sendGraph(request, reply, 200, body);
  });
}
