/**
 * /me/events CRUD, /me/events/{id}/instances, /me/events/{id}/cancel and the non-delta calendarView,
 * also reachable under /me/calendar (the default calendar). Lists page with `$top`/`$skip` and
 * `@odata.nextLink` like Graph (default 10 items).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { requirePermission } from './auth.js';
import { graphBase, selfLink, sendGraph, type MicrosoftContext } from './context.js';
import { badRequest, GraphError, notFound } from './errors.js';
import { EventInputSchema, type EventInput } from './event-schema.js';
import type { EventView } from './model.js';
import {
  applySelect,
  expandedPropertyIds,
  eventFilter,
  intParam,
  matchesFilter,
  outputZone,
  preferences,
  queryParam,
  withExtendedProperties,
} from './odata.js';
import { serializeEvent } from './serialize.js';
import { calendarIdOf, changeKeyOf } from './store.js';
import { parseQueryInstant } from './time.js';
import { readBody } from './validate.js';
import { calendarView, instancesOf, masterView, resolveView } from './views.js';

const MAX_TOP = 1000;
/** The default calendar is reachable as /me, /me/calendar and /me/calendars/{id} (checked in index.ts). */
export const CALENDAR_BASES = ['/me', '/me/calendar', '/me/calendars/:calendarId'];

/** Serialises a view the way the current request asks for (zone, $select, $expand). */
export function renderEvent(
  ctx: MicrosoftContext,
  request: FastifyRequest,
  view: EventView,
): Record<string, unknown> {
  const bodyType = preferences(request).get('outlook.body-content-type') === 'text' ? 'text' : 'html';
  const json = serializeEvent(view, outputZone(request), ctx.core.baseUrl(), bodyType);
  return applySelect(withExtendedProperties(json, view.event, expandedPropertyIds(request)), request);
}

function page(
  ctx: MicrosoftContext,
  request: FastifyRequest,
  views: EventView[],
  context: string,
): Record<string, unknown> {
  const top = intParam(request, '$top', 10, MAX_TOP);
  const skip = intParam(request, '$skip', 0, Number.MAX_SAFE_INTEGER);
  const slice = views.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${graphBase(ctx.core)}/$metadata#${context}`,
    value: slice.map((v) => renderEvent(ctx, request, v)),
  };
  if (skip + top < views.length)
    body['@odata.nextLink'] = selfLink(ctx.core, request, { $top: String(top), $skip: String(skip + top) });
  return body;
}

/** calendarView and instances require both window bounds (Graph's ErrorInvalidParameter otherwise). */
export function windowOf(request: FastifyRequest): { fromMs: number; toMs: number } {
  const fromMs = parseQueryInstant(queryParam(request, 'startDateTime'));
  const toMs = parseQueryInstant(queryParam(request, 'endDateTime'));
  if (fromMs === undefined || toMs === undefined) {
    throw badRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter',
    );
  }
  if (toMs <= fromMs)
    throw badRequest('The parameter EndDateTime must be later than StartDateTime.', 'ErrorInvalidParameter');
  return { fromMs, toMs };
}

function viewOrThrow(ctx: MicrosoftContext, request: FastifyRequest, id: string): EventView {
  const caller = requirePermission(request, 'calendars.read');
  const view = resolveView(ctx.store, caller.account.id, id);
  if (view === undefined) throw notFound();
  return view;
}

type IdParams = { Params: { id: string } };

/**
 * Optimistic concurrency: a stale `If-Match` (the event's @odata.etag or bare changeKey) is Exchange's
 * 412 ErrorIrresolvableConflict (PROVIDERS.md §4, I-DOTNET-1201).
 */
function checkIfMatch(request: FastifyRequest, view: EventView): void {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return;
  const given = header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  if (given !== changeKeyOf(view.id, view.version)) {
    throw new GraphError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}

function registerReads(app: FastifyInstance, ctx: MicrosoftContext, base: string): void {
  app.get(`${base}/events`, async (request, reply) => {
    const caller = requirePermission(request, 'calendars.read');
    const filter = eventFilter(request);
    const views = ctx.store
      .list(caller.account.id)
      .filter((e) => filter === undefined || matchesFilter(e, filter))
      .map(masterView)
      .sort((a, b) => a.fields.startMs - b.fields.startMs || a.id.localeCompare(b.id));
    return sendGraph(request, reply, 200, page(ctx, request, views, `users('${caller.account.id}')/events`));
  });
  app.get<IdParams>(`${base}/events/:id`, async (request, reply) => {
    const view = viewOrThrow(ctx, request, request.params.id);
    const calendar = `${graphBase(ctx.core)}/users('${view.event.mailboxId}')/calendars('${calendarIdOf(view.event.mailboxId)}')`;
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#users('${view.event.mailboxId}')/events/$entity`,
      ...renderEvent(ctx, request, view),
      'calendar@odata.associationLink': `${calendar}/$ref`,
      'calendar@odata.navigationLink': calendar,
    };
    return sendGraph(request, reply, 200, body);
  });
  app.get<IdParams>(`${base}/events/:id/instances`, async (request, reply) => {
    const view = viewOrThrow(ctx, request, request.params.id);
    const { fromMs, toMs } = windowOf(request);
    const views = view.type === 'seriesMaster' ? instancesOf(view.event, fromMs, toMs) : [];
    return sendGraph(request, reply, 200, page(ctx, request, views, 'Collection(event)'));
  });
  app.get(`${base}/calendarView`, async (request, reply) => {
    const caller = requirePermission(request, 'calendars.read');
    const { fromMs, toMs } = windowOf(request);
    const views = calendarView(ctx.store, caller.account.id, fromMs, toMs);
    return sendGraph(
      request,
      reply,
      200,
      page(ctx, request, views, `users('${caller.account.id}')/calendarView`),
    );
  });
}

function registerWrites(app: FastifyInstance, ctx: MicrosoftContext, base: string): void {
  app.post(`${base}/events`, async (request, reply) => {
    const caller = requirePermission(request, 'calendars.write');
    const input = readBody<EventInput>(EventInputSchema, request.body, 'microsoft.graph.event');
    const { event, emails } = ctx.events.create(caller.account, input);
    if (emails.length > 0) ctx.core.log.noteEmails(request, emails);
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#users('${caller.account.id}')/events/$entity`,
      ...renderEvent(ctx, request, masterView(event)),
    };
    return sendGraph(request, reply, 201, body);
  });
  app.patch<IdParams>(`${base}/events/:id`, async (request, reply) => {
    const view = viewOrThrow(ctx, request, request.params.id);
    requirePermission(request, 'calendars.write');
    checkIfMatch(request, view);
    const input = readBody<EventInput>(EventInputSchema, request.body, 'microsoft.graph.event');
    const emails = ctx.events.update(view, input);
    if (emails.length > 0) ctx.core.log.noteEmails(request, emails);
    const updated = resolveView(ctx.store, view.event.mailboxId, view.id) ?? view;
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#users('${view.event.mailboxId}')/events/$entity`,
      ...renderEvent(ctx, request, updated),
    };
    return sendGraph(request, reply, 200, body);
  });
  app.delete<IdParams>(`${base}/events/:id`, async (request, reply) => {
    const view = viewOrThrow(ctx, request, request.params.id);
    requirePermission(request, 'calendars.write');
    checkIfMatch(request, view);
    const emails = ctx.events.delete(view);
    if (emails.length > 0) ctx.core.log.noteEmails(request, emails);
    return sendGraph(request, reply, 204);
  });
  app.post<IdParams>(`${base}/events/:id/cancel`, async (request, reply) => {
    const view = viewOrThrow(ctx, request, request.params.id);
    requirePermission(request, 'calendars.write');
    checkIfMatch(request, view);
    // The comment only travels in the cancellation mail, which the request log records as an email.
    const body = readBody<{ comment?: string; Comment?: string }>(
      CancelSchema,
      request.body ?? {},
      'microsoft.graph.cancel',
    );
    const comment = body.comment ?? body.Comment;
    const emails = ctx.events.cancel(view).map((e) => (comment ? { ...e, message: comment } : e));
    if (emails.length > 0) ctx.core.log.noteEmails(request, emails);
    return sendGraph(request, reply, 202);
  });
}

/** The docs sample writes `Comment`; Graph's reader matches parameter names case-insensitively. */
const CancelSchema = Type.Object(
  { Comment: Type.Optional(Type.String()), comment: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export function registerEventRoutes(app: FastifyInstance, ctx: MicrosoftContext): void {
  for (const base of CALENDAR_BASES) {
    registerReads(app, ctx, base);
    registerWrites(app, ctx, base);
  }
}
