/**
 * Read-only views for the settings page: the mirror of the caller's calendars in a time window (the
 * week grid) and the caller's audit log. Only what the grid draws leaves the database: no
 * descriptions, no etags, and attendees reduced to the other people's addresses.
 */
import { repositories, type Database } from '@frontload/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { conditionalGet } from '../../plugins/etag.js';

/** A window longer than this is refused: the page asks for one or two weeks at a time. */
const MAX_WINDOW_MS = 35 * 86_400_000;

const EventView = Type.Object({
  id: Type.String(),
  connectionId: Type.String(),
  title: Type.String(),
  start: Type.String(),
  end: Type.String(),
  allDay: Type.Boolean(),
  /**
   * An all-day event's dates (end exclusive) as the calendar holds them: a date is not an instant, so
   * the page places it by these, never by `start` read in some zone.
   */
  allDayDates: Type.Union([
    Type.Object({ start: Type.String({ format: 'date' }), end: Type.String({ format: 'date' }) }),
    Type.Null(),
  ]),
  status: Type.String(),
  kind: Type.String(),
  /** Frontload's tag when we created it (a focus block), else null. */
  tag: Type.Union([Type.String(), Type.Null()]),
  organizerIsSelf: Type.Boolean(),
  transparency: Type.String(),
  /** The other people invited: the user, rooms and resources left out. */
  others: Type.Array(Type.String()),
  /** The same people, in order, by the name their calendar gives (the address where it gives none). */
  otherNames: Type.Array(Type.String()),
});

export const calendarViewRoutes: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/events',
    {
      schema: {
        querystring: Type.Object({
          from: Type.String({ format: 'date-time' }),
          to: Type.String({ format: 'date-time' }),
        }),
        response: { 200: Type.Object({ events: Type.Array(EventView) }) },
      },
      onSend: conditionalGet,
    },
    async (request) => {
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      if (!(to > from) || to.getTime() - from.getTime() > MAX_WINDOW_MS) {
        throw new Errors.ValidationFailed('`to` must be after `from`, at most 35 days later');
      }
      const rows = await repos.weekView.events(request.user!.id, from, to);
      return {
        events: rows.map((row) => ({
          id: row.provider_event_id,
          connectionId: row.connection_id,
          title: row.title,
          start: new Date(row.starts_at).toISOString(),
          end: new Date(row.ends_at).toISOString(),
          allDay: row.all_day_start !== null,
          allDayDates:
            row.all_day_start !== null && row.all_day_end !== null
              ? { start: row.all_day_start, end: row.all_day_end }
              : null,
          status: row.status,
          kind: row.kind,
          tag: row.our_tag,
          organizerIsSelf: row.organizer_is_self,
          transparency: row.transparency,
          others: row.others,
          otherNames: row.other_names,
        })),
      };
    },
  );

  app.get('/audit', async (request) => ({
    entries: (await repos.audit.listForUser(request.user!.id, 200)).map((row) => ({
      id: Number(row.id),
      at: new Date(row.at).toISOString(),
      actor: row.actor,
      action: row.action,
      details: row.details,
    })),
  }));
};
