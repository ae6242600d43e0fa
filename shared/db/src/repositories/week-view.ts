/**
 * The week grid of the settings page: the mirror of the user's calendars in a time window, with only
 * what the grid draws (no descriptions, no etags, attendees reduced to the other people's addresses and names).
 */
import type { Queryable } from '../database.js';

export interface WeekViewRow {
  provider_event_id: string;
  connection_id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  /** An all-day event's dates as the calendar holds them (end exclusive), else null. */
  all_day_start: string | null;
  all_day_end: string | null;
  status: string;
  kind: string;
  our_tag: string | null;
  organizer_is_self: boolean;
  transparency: string;
  /** The other people invited: the user, rooms and resources left out. */
  others: string[];
  /** The same people as the calendar names them (the address where it gives no name). */
  other_names: string[];
}

// Series masters stand for their first occurrence only when no occurrence row covers that slot.
const EVENTS_SQL = `
  select e.provider_event_id, e.connection_id, e.title, e.starts_at, e.ends_at, e.all_day_start::text,
    e.all_day_end::text, e.status, e.kind, e.our_tag, e.organizer_is_self, e.transparency,
    coalesce((select array_agg(x ->> 'email') from jsonb_array_elements(e.attendees) x
      where coalesce((x ->> 'self')::boolean, false) = false
        and coalesce((x ->> 'resource')::boolean, false) = false), '{}') as others,
    coalesce((select array_agg(coalesce(nullif(x ->> 'name', ''), x ->> 'email'))
      from jsonb_array_elements(e.attendees) x
      where coalesce((x ->> 'self')::boolean, false) = false
        and coalesce((x ->> 'resource')::boolean, false) = false), '{}') as other_names
  from events e join connections c on c.id = e.connection_id
  where c.user_id = $1 and e.starts_at < $3 and e.ends_at > $2
    and (e.kind <> 'series' or (e.starts_at >= $2 and not exists (
      select 1 from events o where o.connection_id = e.connection_id and o.series_id = e.provider_event_id
        and o.original_start = e.starts_at)))
  order by e.starts_at, e.provider_event_id
  limit $4`;

export const weekViewRepository = (db: Queryable) => ({
  /** The user's events overlapping [from, to), at most `limit`, by start. */
  async events(userId: string, from: Date, to: Date, limit = 2000): Promise<WeekViewRow[]> {
    return (await db.query<WeekViewRow>(EVENTS_SQL, [userId, from, to, limit])).rows;
  },
});
