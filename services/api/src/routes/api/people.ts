/**
 * The caller's counterparts: people they set toggles for (the `people` table) plus people detected
 * in the mirror as 1:1 partners. Detection is deliberately simple (the planner's classifier decides
 * what really is a 1:1): an event whose attendees, rooms and the user excluded, are exactly one
 * person. The series' recurrence gives the cadence; the last past, uncancelled one is the last held.
 */
import { repositories, type Database } from '@frontload/db';
import { EmailAddress, type Recurrence } from '@frontload/domain';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { replanAfterSettingsChange } from './replan.js';

const PersonView = Type.Object({
  email: Type.String(),
  displayName: Type.String(),
  protected: Type.Boolean(),
  fixed: Type.Boolean(),
  /** Seen in the mirror as a 1:1 partner. */
  detected: Type.Boolean(),
  cadence: Type.Union([Type.String(), Type.Null()]),
  lastHeldAt: Type.Union([Type.String(), Type.Null()]),
});
type Person = Static<typeof PersonView>;

interface DetectedRow {
  email: string;
  recurrence: Recurrence | null;
  last_held: Date | null;
}
interface PeopleRow {
  email: string;
  display_name: string;
  protected: boolean;
  fixed: boolean;
  last_held_at: Date | null;
}

// One other person: attendees that are neither the user (`self`) nor a room or resource.
const DETECT_SQL = `
  with one_on_ones as (
    select lower(o.others -> 0 ->> 'email') as email, e.recurrence, e.kind, e.status, e.ends_at
    from events e
    join connections c on c.id = e.connection_id
    cross join lateral (
      select coalesce(jsonb_agg(x), '[]'::jsonb) as others from jsonb_array_elements(e.attendees) x
      where coalesce((x ->> 'self')::boolean, false) = false
        and coalesce((x ->> 'resource')::boolean, false) = false
    ) o
    where c.user_id = $1 and e.all_day_start is null and jsonb_array_length(o.others) = 1
  )
  select email,
    (array_agg(recurrence) filter (where recurrence is not null))[1] as recurrence,
    max(ends_at) filter (where ends_at <= $2 and status <> 'cancelled' and kind <> 'series') as last_held
  from one_on_ones group by email`;

/** "weekly", "every 2 weeks", … in words a user reads. */
export function cadenceText(recurrence: Recurrence | null): string | null {
  if (!recurrence) return null;
  const unit = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' }[recurrence.frequency];
  if (recurrence.interval === 1) return recurrence.frequency;
  return `every ${recurrence.interval} ${unit}s`;
}

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

function merge(stored: PeopleRow[], detected: DetectedRow[]): Person[] {
  const byEmail = new Map<string, Person>();
  const found = new Map(detected.map((d) => [d.email, d]));
  for (const row of stored) {
    const d = found.get(row.email);
    byEmail.set(row.email, {
      email: row.email,
      displayName: row.display_name,
      protected: row.protected,
      fixed: row.fixed,
      detected: d !== undefined,
      cadence: cadenceText(d?.recurrence ?? null),
      lastHeldAt: later(row.last_held_at, d?.last_held ?? null)?.toISOString() ?? null,
    });
  }
  for (const d of detected) {
    if (byEmail.has(d.email)) continue;
    byEmail.set(d.email, {
      email: d.email,
      displayName: '',
      protected: false,
      fixed: false,
      detected: true,
      cadence: cadenceText(d.recurrence),
      lastHeldAt: d.last_held?.toISOString() ?? null,
    });
  }
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}

export const peopleRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Producers;
  now: () => Date;
}> = async (app, { db, producers, now }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/people',
    { schema: { response: { 200: Type.Object({ people: Type.Array(PersonView) }) } } },
    async (request) => {
      const userId = request.user!.id;
      const stored = await db.query<PeopleRow>(
        'select email, display_name, protected, fixed, last_held_at from people where user_id = $1',
        [userId],
      );
      const detected = await db.query<DetectedRow>(DETECT_SQL, [userId, now()]);
      return { people: merge(stored.rows, detected.rows) };
    },
  );

  app.patch(
    '/people/:email',
    {
      schema: {
        params: Type.Object({ email: EmailAddress }),
        body: Type.Object(
          { protected: Type.Optional(Type.Boolean()), fixed: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
      },
    },
    async (request) => {
      const userId = request.user!.id;
      const email = request.params.email.toLowerCase();
      const { rows } = await db.query<PeopleRow>(
        `insert into people (user_id, email, protected, fixed) values ($1, $2, coalesce($3, false), coalesce($4, false))
         on conflict (user_id, email) do update set
           protected = coalesce($3, people.protected), fixed = coalesce($4, people.fixed)
         returning email, display_name, protected, fixed, last_held_at`,
        [userId, email, request.body.protected ?? null, request.body.fixed ?? null],
      );
      await repos.audit.record({
        userId,
        actor: 'user',
        action: 'person.updated',
        details: { email, ...request.body },
      });
      // Protected and fixed change what the plan may do: replan, and the new plan replaces the preview.
      await replanAfterSettingsChange(producers, userId, 'people');
      const row = rows[0]!;
      return { email: row.email, protected: row.protected, fixed: row.fixed };
    },
  );
};
