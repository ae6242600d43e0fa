/**
 * Read-only views for the settings page: the mirror of the caller's calendars in a time window (the
 * week grid) and the caller's audit log. Only what the grid draws leaves the database: no
 * descriptions, no etags, and attendees reduced to the other people's addresses.
 */
import { repositories, type Database } from '@frontload/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';

/** A window longer than this is refused: the page asks for one or two weeks at a time. */
const MAX_WINDOW_MS = 35 * 86_400_000;

const EventView = Type.Object({
  id: Type.String(),
  connectionId: Type.String(),
  title: Type.String(),
  start: Type.String(),
  end: Type.String(),
  allDay: Type.Boolean(),
  status: Type.String(),
  kind: Type.String(),
  /** Frontload's tag when we created it (a focus block), else null. */
  tag: Type.Union([Type.String(), Type.Null()]),
  organizerIsSelf: Type.Boolean(),
  transparency: Type.String(),
  /** The other people invited: the user, rooms and resources left out. */
  others: Type.Array(Type.String()),
});

interface EventRow {
  provider_event_id: string;
  connection_id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  all_day_start: string | null;
  status: string;
  kind: string;
  our_tag: string | null;
  organizer_is_self: boolean;
  transparency: string;
  others: string[];
}

// Series masters stand for their first occurrence only when no occurrence row covers that slot.
const EVENTS_SQL = `
  select e.provider_event_id, e.connection_id, e.title, e.starts_at, e.ends_at, e.all_day_start::text,
    e.status, e.kind, e.our_tag, e.organizer_is_self, e.transparency,
    coalesce((select array_agg(x ->> 'email') from jsonb_array_elements(e.attendees) x
      where coalesce((x ->> 'self')::boolean, false) = false
        and coalesce((x ->> 'resource')::boolean, false) = false), '{}') as others
  from events e join connections c on c.id = e.connection_id
  where c.user_id = $1 and e.starts_at < $3 and e.ends_at > $2
    and (e.kind <> 'series' or (e.starts_at >= $2 and not exists (
      select 1 from events o where o.connection_id = e.connection_id and o.series_id = e.provider_event_id
        and o.original_start = e.starts_at)))
  order by e.starts_at, e.provider_event_id
  limit 2000`;

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
    },
    async (request) => {
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      if (!(to > from) || to.getTime() - from.getTime() > MAX_WINDOW_MS) {
        throw new Errors.ValidationFailed('`to` must be after `from`, at most 35 days later');
      }
      const { rows } = await db.query<EventRow>(EVENTS_SQL, [request.user!.id, from, to]);
      return {
        events: rows.map((row) => ({
          id: row.provider_event_id,
          connectionId: row.connection_id,
          title: row.title,
          start: new Date(row.starts_at).toISOString(),
          end: new Date(row.ends_at).toISOString(),
          allDay: row.all_day_start !== null,
          status: row.status,
          kind: row.kind,
          tag: row.our_tag,
          organizerIsSelf: row.organizer_is_self,
          transparency: row.transparency,
          others: row.others,
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
