/** calendarList, calendars.get, settings and freeBusy: one primary calendar per sandbox account. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxAccount } from '../../core/types.js';
import { authenticate } from '../auth.js';
import { gerr } from '../errors.js';
import { ownCalendar, type CalendarDeps } from './context.js';
import { queryFreeBusy } from './freebusy.js';

const etag = (account: SandboxAccount, what: string) =>
  `"${Buffer.from(`${what}:${account.id}:${account.timeZone}`).toString('base64url').slice(0, 22)}"`;

function calendarListEntry(account: SandboxAccount) {
  return {
    kind: 'calendar#calendarListEntry',
    etag: etag(account, 'entry'),
    id: account.email,
    summary: account.email,
    timeZone: account.timeZone,
    colorId: '14',
    backgroundColor: '#9fe1e7',
    foregroundColor: '#000000',
    selected: true,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    notificationSettings: { notifications: [{ type: 'eventCancellation', method: 'email' }] },
    primary: true,
    conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
  };
}

/** Settings Google exposes; there is no working-hours setting (PROVIDERS.md §6). */
function settings(account: SandboxAccount): Record<string, string> {
  return {
    timezone: account.timeZone,
    weekStart: '1',
    locale: 'en',
    format24HourTime: 'true',
    defaultEventLength: '60',
    hideWeekends: 'false',
  };
}

export function calendarRoutes(scope: FastifyInstance, deps: CalendarDeps) {
  const auth = (request: FastifyRequest, op: Parameters<typeof authenticate>[2]) =>
    authenticate(deps.core, request, op);
  scope.get('/calendar/v3/users/me/calendarList', async (request) => {
    const { account } = auth(request, 'calendarList');
    return {
      kind: 'calendar#calendarList',
      etag: etag(account, 'list'),
      items: [calendarListEntry(account)],
    };
  });
  scope.get('/calendar/v3/users/me/calendarList/:calendarId', async (request) => {
    const who = auth(request, 'calendarList');
    return calendarListEntry(ownCalendar(deps, who, (request.params as { calendarId: string }).calendarId));
  });
  scope.get('/calendar/v3/calendars/:calendarId', async (request) => {
    const who = auth(request, 'calendars');
    const account = ownCalendar(deps, who, (request.params as { calendarId: string }).calendarId);
    return {
      kind: 'calendar#calendar',
      etag: etag(account, 'calendar'),
      id: account.email,
      summary: account.email,
      timeZone: account.timeZone,
      conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
    };
  });
  scope.get('/calendar/v3/users/me/settings', async (request) => {
    const { account } = auth(request, 'settings');
    const items = Object.entries(settings(account)).map(([id, value]) => ({
      kind: 'calendar#setting',
      etag: etag(account, id),
      id,
      value,
    }));
    return { kind: 'calendar#settings', etag: etag(account, 'settings'), items };
  });
  scope.get('/calendar/v3/users/me/settings/:setting', async (request) => {
    const { account } = auth(request, 'settings');
    const id = (request.params as { setting: string }).setting;
    const value = settings(account)[id];
    if (value === undefined) throw gerr.notFound();
    return { kind: 'calendar#setting', etag: etag(account, id), id, value };
  });
  scope.post('/calendar/v3/freeBusy', async (request) => {
    const { account } = auth(request, 'freebusy');
    return queryFreeBusy(deps, account, request.body);
  });
}
