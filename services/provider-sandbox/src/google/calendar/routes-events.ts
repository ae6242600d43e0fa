/** Calendar v3 event routes (paths exactly as googleapis builds them under rootUrl). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../auth.js';
import { gerr } from '../errors.js';
import type { ChannelRegistry, WatchRequest } from './channels.js';
import { ownCalendar, viewFor, type CalendarDeps } from './context.js';
import { parseSendUpdates } from './emails.js';
import { listInstances } from './instances-route.js';
import { listEvents, type PageBook } from './list.js';
import { parseListQuery } from './list-query.js';
import { toGoogleEvent } from './serialize.js';
import {
  deleteEvent,
  findOnCalendar,
  insertEvent,
  patchEvent,
  replaceEvent,
  type WriteResult,
} from './writes.js';

type Raw = Record<string, string | string[] | undefined>;
type Params = { calendarId: string; eventId: string };

const BASE = '/calendar/v3/calendars/:calendarId/events';

function callerOf(deps: CalendarDeps, request: FastifyRequest, write: boolean) {
  const who = authenticate(deps.core, request, write ? 'writeEvents' : 'readEvents');
  const account = ownCalendar(deps, who, (request.params as Params).calendarId);
  const query = request.query as Record<string, string | undefined>;
  const view = viewFor(deps, account, query.timeZone, query.maxAttendees);
  return { who, account, view };
}

export function eventRoutes(
  scope: FastifyInstance,
  deps: CalendarDeps,
  pages: PageBook,
  channels: ChannelRegistry,
) {
  readRoutes(scope, deps, pages);
  writeRoutes(scope, deps);
  watchRoutes(scope, deps, channels);
}

function readRoutes(scope: FastifyInstance, deps: CalendarDeps, pages: PageBook) {
  const caller = (request: FastifyRequest, write: boolean) => callerOf(deps, request, write);
  scope.get(BASE, async (request) => {
    const { account, view } = caller(request, false);
    return listEvents(
      deps.store,
      pages,
      account,
      view,
      parseListQuery(request.query as Raw),
      deps.core.clock.nowMs(),
    );
  });
  scope.get(`${BASE}/:eventId`, async (request, reply) => {
    const { account, view } = caller(request, false);
    const event = findOnCalendar(deps, account, (request.params as Params).eventId);
    const body = toGoogleEvent(event, view, deps.store.members(event));
    // Conditional GET: If-None-Match with the current etag is 304 Not Modified (Google "version resources").
    if (request.headers['if-none-match'] === body.etag) return reply.code(304).send();
    return body;
  });
  scope.get(`${BASE}/:eventId/instances`, async (request) => {
    const { account, view } = caller(request, false);
    return listInstances(deps, account, view, (request.params as Params).eventId, request.query as Raw);
  });
}

function writeRoutes(scope: FastifyInstance, deps: CalendarDeps) {
  const caller = (request: FastifyRequest, write: boolean) => callerOf(deps, request, write);
  const writeOptions = (request: FastifyRequest) => {
    const ifMatch = request.headers['if-match'];
    return {
      sendUpdates: parseSendUpdates(request.query as Raw),
      ...(typeof ifMatch === 'string' ? { ifMatch } : {}),
    };
  };
  const answer = (
    request: FastifyRequest,
    result: WriteResult,
    view: ReturnType<typeof callerOf>['view'],
  ) => {
    if (result.emails.length > 0) deps.core.log.noteEmails(request, result.emails);
    return toGoogleEvent(result.event, view, deps.store.members(result.event));
  };

  scope.post(BASE, async (request) => {
    const { account, view } = caller(request, true);
    return answer(request, insertEvent(deps, account, request.body, writeOptions(request)), view);
  });
  scope.put(`${BASE}/:eventId`, async (request) => {
    const { account, view } = caller(request, true);
    return answer(
      request,
      replaceEvent(deps, account, (request.params as Params).eventId, request.body, writeOptions(request)),
      view,
    );
  });
  scope.patch(`${BASE}/:eventId`, async (request) => {
    const { account, view } = caller(request, true);
    return answer(
      request,
      patchEvent(
        deps,
        account,
        view,
        (request.params as Params).eventId,
        request.body,
        writeOptions(request),
      ),
      view,
    );
  });
  scope.delete(`${BASE}/:eventId`, async (request, reply) => {
    const { account, view } = caller(request, true);
    answer(
      request,
      deleteEvent(deps, account, (request.params as Params).eventId, writeOptions(request)),
      view,
    );
    return reply.code(204).send();
  });
}

function watchRoutes(scope: FastifyInstance, deps: CalendarDeps, channels: ChannelRegistry) {
  scope.post(`${BASE}/watch`, async (request) => {
    const { who, account } = callerOf(deps, request, false);
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw gerr.parseError();
    const channel = channels.open(body as WatchRequest, account.email, account.id, who.grant.clientId);
    return {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token === undefined ? {} : { token: channel.token }),
      expiration: String(channel.expirationMs),
    };
  });
  scope.post('/calendar/v3/channels/stop', async (request, reply) => {
    const who = authenticate(deps.core, request, 'readEvents');
    const body = (request.body ?? {}) as { id?: unknown; resourceId?: unknown };
    channels.stop(body.id, body.resourceId, who.account.id, who.grant.clientId);
    return reply.code(204).send();
  });
}
