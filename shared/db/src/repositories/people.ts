/**
 * The user's counterparts: the settings they set per person (table `people`) and the people the
 * mirror shows them meeting one-on-one.
 */
import type { PersonRole, Recurrence } from '@frontload/domain';
import type { Queryable } from '../database.js';

export interface PersonRow {
  email: string;
  display_name: string;
  protected: boolean;
  fixed: boolean;
  /** The role the user set in People; null when they have not (the calendar then suggests one). */
  role: PersonRole | null;
  last_held_at: Date | null;
}

/** A counterpart seen in the mirror: the series' recurrence and the last past, uncancelled meeting. */
export interface DetectedPersonRow {
  email: string;
  /** Their name as the provider lists them on those meetings, when it does. */
  name: string | null;
  recurrence: Recurrence | null;
  last_held: Date | null;
}

// `o.others`: an event's attendees that are neither the user (`self`) nor a room or resource.
const OTHERS_OF_EVENT = `cross join lateral (
      select coalesce(jsonb_agg(x), '[]'::jsonb) as others from jsonb_array_elements(e.attendees) x
      where coalesce((x ->> 'self')::boolean, false) = false
        and coalesce((x ->> 'resource')::boolean, false) = false
    ) o`;

// One other person (see OTHERS_OF_EVENT).
const DETECT_SQL = `
  with one_on_ones as (
    select lower(o.others -> 0 ->> 'email') as email, nullif(trim(o.others -> 0 ->> 'name'), '') as name, e.recurrence, e.kind, e.status, e.ends_at
    from events e
    join connections c on c.id = e.connection_id
    ${OTHERS_OF_EVENT}
    where c.user_id = $1 and e.all_day_start is null and jsonb_array_length(o.others) = 1
  )
  select email,
    (array_agg(name) filter (where name is not null))[1] as name,
    (array_agg(recurrence) filter (where recurrence is not null))[1] as recurrence,
    max(ends_at) filter (where ends_at <= $2 and status <> 'cancelled' and kind <> 'series') as last_held
  from one_on_ones group by email`;

/** When the user last met a person, as the mirror shows it (`lastSeen`). */
export interface LastSeenRow {
  email: string;
  /** Their name as the provider lists them on those meetings, when it does. */
  name: string | null;
  /** End of the last held 1:1: exactly this person besides the user. */
  last_one_on_one: Date | null;
  /** End of the last meeting both attended, 1:1s included. */
  last_met: Date | null;
}

// Held: past (ended by $2), within the lookback (started after $3), not cancelled, not all-day, not a
// series master (its occurrences are the meetings), and declined neither by the user nor by the person.
// An attendee list without the user (their own event with guests only) counts as the user attending.
const LAST_SEEN_SQL = `
  with held as (
    select e.ends_at, o.others
    from events e
    join connections c on c.id = e.connection_id
    ${OTHERS_OF_EVENT}
    where c.user_id = $1 and e.ends_at <= $2 and e.starts_at >= $3 and e.status <> 'cancelled'
      and e.kind <> 'series' and e.all_day_start is null
      and not exists (
        select 1 from jsonb_array_elements(e.attendees) s
        where coalesce((s ->> 'self')::boolean, false) and s ->> 'responseStatus' = 'declined'
      )
  )
  select lower(p ->> 'email') as email,
    (array_agg(nullif(trim(p ->> 'name'), '')) filter (where nullif(trim(p ->> 'name'), '') is not null))[1] as name,
    max(h.ends_at) filter (where jsonb_array_length(h.others) = 1) as last_one_on_one,
    max(h.ends_at) as last_met
  from held h cross join lateral jsonb_array_elements(h.others) p
  where coalesce(p ->> 'responseStatus', '') <> 'declined'
  group by 1`;

export const peopleRepository = (db: Queryable) => ({
  async listForUser(userId: string): Promise<PersonRow[]> {
    const { rows } = await db.query<PersonRow>(
      'select email, display_name, protected, fixed, role, last_held_at from people where user_id = $1',
      [userId],
    );
    return rows;
  },

  /** People the mirror shows the user meeting one-on-one (an event with exactly one other person). */
  async detected(userId: string, now: Date): Promise<DetectedPersonRow[]> {
    return (await db.query<DetectedPersonRow>(DETECT_SQL, [userId, now])).rows;
  },

  /**
   * For everyone the user met between `since` and `now`: the last held 1:1 with them and the last
   * meeting both attended (see LAST_SEEN_SQL for what counts as held). People not met are absent.
   */
  async lastSeen(userId: string, now: Date, since: Date): Promise<LastSeenRow[]> {
    return (await db.query<LastSeenRow>(LAST_SEEN_SQL, [userId, now, since])).rows;
  },

  /** The protected people, by address. */
  async protectedForUser(userId: string): Promise<{ email: string; display_name: string }[]> {
    const { rows } = await db.query<{ email: string; display_name: string }>(
      'select email, display_name from people where user_id = $1 and protected order by email',
      [userId],
    );
    return rows;
  },

  /**
   * Sets the given settings for one person: toggles, and the role the user chose (an absent one keeps
   * its value; a new person starts unprotected, not fixed, with no role of the user's).
   */
  async setSettings(
    userId: string,
    email: string,
    settings: {
      protected?: boolean | undefined;
      fixed?: boolean | undefined;
      role?: PersonRole | undefined;
    },
  ): Promise<PersonRow> {
    const { rows } = await db.query<PersonRow>(
      `insert into people (user_id, email, protected, fixed, role) values ($1, $2, coalesce($3, false), coalesce($4, false), $5)
       on conflict (user_id, email) do update set
         protected = coalesce($3, people.protected), fixed = coalesce($4, people.fixed),
         role = coalesce($5, people.role)
       returning email, display_name, protected, fixed, role, last_held_at`,
      [userId, email, settings.protected ?? null, settings.fixed ?? null, settings.role ?? null],
    );
    return rows[0]!;
  },
});
