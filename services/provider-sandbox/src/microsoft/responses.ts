/**
 * Attendee responses: POST /me/events/{id}/accept | tentativelyAccept | decline (202). The attendee's
 * copy records its responseStatus and the organizer's attendee list shows the answer; with
 * `sendResponse` (default true) the organizer gets a response mail. Declining removes the meeting (or
 * the one occurrence) from the attendee's calendar, as Outlook moves declined meetings to Deleted Items.
 * The organizer cannot respond to their own meeting. (PROVIDERS.md §4 "Decline", §8.8.)
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { requirePermission } from './auth.js';
import { sendGraph, type MicrosoftContext } from './context.js';
import { GraphError, notFound } from './errors.js';
import { CALENDAR_BASES } from './events-routes.js';
import type { Emails } from './event-service.js';
import { syncCopies } from './meeting-copies.js';
import type { EventView, ResponseType, ShowAs } from './model.js';
import { readBody } from './validate.js';
import { resolveView } from './views.js';

const ResponseSchema = Type.Object(
  {
    comment: Type.Optional(Type.String()),
    sendResponse: Type.Optional(Type.Boolean()),
    proposedNewTime: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
type ResponseInput = Type.Static<typeof ResponseSchema>;

const ACTIONS = {
  accept: { response: 'accepted', showAs: 'busy' },
  tentativelyAccept: { response: 'tentativelyAccepted', showAs: 'tentative' },
  decline: { response: 'declined', showAs: 'free' },
} as const satisfies Record<string, { response: ResponseType; showAs: ShowAs }>;
type Action = keyof typeof ACTIONS;

/** Updates the organizer's attendee list with this attendee's answer (and refreshes the copies). */
function tellOrganizer(
  ctx: MicrosoftContext,
  view: EventView,
  response: ResponseType,
  address: string,
): void {
  const organizer = ctx.store.copiesOf(view.event.meetingId).find((e) => e.isOrganizer);
  if (organizer === undefined) return;
  const now = ctx.core.clock.nowMs();
  const time = new Date(now).toISOString();
  organizer.fields = {
    ...organizer.fields,
    attendees: organizer.fields.attendees.map((a) =>
      a.emailAddress.address.toLowerCase() === address.toLowerCase()
        ? { ...a, status: { response, time } }
        : a,
    ),
  };
  ctx.store.touch(organizer, now);
  syncCopies(ctx.store, ctx.core.accounts, organizer, now, false);
}

function respond(
  ctx: MicrosoftContext,
  view: EventView,
  action: Action,
  input: ResponseInput,
  address: string,
): Emails {
  if (view.event.isOrganizer) {
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      "Your request can't be completed. You can't respond to a meeting you organized.",
    );
  }
  const { response, showAs } = ACTIONS[action];
  const now = ctx.core.clock.nowMs();
  const copy = view.event;
  if (view.originalStartMs !== null) {
    const previous = copy.exceptions.get(view.originalStartMs);
    copy.exceptions.set(view.originalStartMs, {
      overrides: { ...previous?.overrides, showAs },
      deleted: action === 'decline',
      isCancelled: previous?.isCancelled ?? false,
      version: (previous?.version ?? 0) + 1,
      lastModifiedMs: now,
    });
    ctx.store.touch(copy, now);
  } else if (action === 'decline') {
    ctx.store.remove(copy);
    tellOrganizer(ctx, view, response, address);
  } else {
    copy.responseStatus = { response, timeMs: now };
    copy.fields = { ...copy.fields, showAs };
    ctx.store.touch(copy, now);
    tellOrganizer(ctx, view, response, address);
  }
  return input.sendResponse === false ? [] : [{ to: copy.organizer.address, kind: 'update' }];
}

export function registerResponseRoutes(app: FastifyInstance, ctx: MicrosoftContext): void {
  for (const base of CALENDAR_BASES) {
    for (const action of Object.keys(ACTIONS) as Action[]) {
      app.post<{ Params: { id: string } }>(`${base}/events/:id/${action}`, async (request, reply) => {
        const caller = requirePermission(request, 'calendars.write');
        const view = resolveView(ctx.store, caller.account.id, request.params.id);
        if (view === undefined) throw notFound();
        const input = readBody<ResponseInput>(
          ResponseSchema,
          request.body ?? {},
          `microsoft.graph.${action}`,
        );
        const emails = respond(ctx, view, action, input, caller.account.email);
        if (emails.length > 0) ctx.core.log.noteEmails(request, emails);
        return sendGraph(request, reply, 202);
      });
    }
  }
}
