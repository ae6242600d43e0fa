/**
 * The caller's counterparts: people they set toggles for (the `people` table) plus people detected
 * in the mirror as 1:1 partners. Detection is deliberately simple (the planner's classifier decides
 * what really is a 1:1): an event whose attendees, rooms and the user excluded, are exactly one
 * person. The series' recurrence gives the cadence; the last past, uncancelled one is the last held.
 *
 * Each person's role is the one the user set (`roleSource: 'user'`), else the planner's proposal from
 * the calendar Frontload plans (`'detected'`), read over the same window the planner reads, so People
 * shows the roles the overload rule counts.
 */
import { repositories, type Database, type DetectedPersonRow, type PersonRow } from '@frontload/db';
import {
  daysBetween,
  DEFAULT_NOT_SEEN_CHECK_IN,
  EmailAddress,
  NOT_SEEN_LOOKBACK_DAYS,
  notSeenThreshold,
  PersonRoleSchema,
  renderCheckIn,
  seenGap,
  type PersonSettings,
  type Recurrence,
} from '@frontload/domain';
import type { Producers } from '@frontload/jobs';
import { detectRoles, type PersonRoleView } from '@frontload/planner';
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
  /** Report, partner or other: what the overload rule counts (reports only). */
  role: PersonRoleSchema,
  /** `user`: set or confirmed in People, never replaced; `detected`: suggested from the calendar. */
  roleSource: Type.Union([Type.Literal('detected'), Type.Literal('user')]),
  /** End of the last held 1:1 with exactly this person, within the last eight weeks. */
  lastOneOnOneAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** End of the last meeting both attended (1:1s included), within the last eight weeks. */
  lastMetAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Days (in the user's zone) since the later of the two; null: not met within eight weeks. */
  daysNotSeen: Type.Union([Type.Integer(), Type.Null()]),
  /** Days (in the user's zone) since the last held 1:1; null: none within eight weeks. */
  daysSinceOneOnOne: Type.Union([Type.Integer(), Type.Null()]),
  /** A report or partner past the user's threshold (preferences `notSeenDays`) or not met at all. */
  notSeen: Type.Boolean(),
  /** For a person `notSeen`: the check-in drafted for them (preferences `notSeenCheckIn`), else null. */
  checkIn: Type.Union([Type.String(), Type.Null()]),
});
type Person = Static<typeof PersonView>;

/** "weekly", "every 2 weeks", … in words a user reads. */
export function cadenceText(recurrence: Recurrence | null): string | null {
  if (!recurrence) return null;
  const unit = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' }[recurrence.frequency];
  if (recurrence.interval === 1) return recurrence.frequency;
  return `every ${recurrence.interval} ${unit}s`;
}

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

const DAY_MS = 86_400_000;
/** The planner's window (workers/planner build-input): a week back, three weeks ahead. */
const ROLE_WINDOW = { backDays: 7, aheadDays: 21 };

/** Roles as the planner sees them: the user's, else proposed from the calendar Frontload plans. */
async function rolesOf(
  db: Database,
  user: { id: string },
  stored: PersonRow[],
  now: Date,
): Promise<Map<string, PersonRoleView>> {
  const repos = repositories(db);
  const people: PersonSettings[] = stored.flatMap((r) =>
    r.role === null ? [] : [{ email: r.email, role: r.role }],
  );
  // The calendar Frontload plans (the chosen one, else the first healthy one), else the first
  // connected while it still syncs; none connected: only what the user set.
  const connections = await repos.connections.listForUser(user.id);
  const target = await repos.connections.writeTargetId(user.id);
  const write = connections.find((c) => c.id === target) ?? connections[0];
  const events = write
    ? await repos.mirror.eventsInWindow(
        write.id,
        new Date(now.getTime() - ROLE_WINDOW.backDays * DAY_MS),
        new Date(now.getTime() + ROLE_WINDOW.aheadDays * DAY_MS),
      )
    : [];
  const preferences = await repos.preferences.get(user.id);
  // Without a calendar there are no events, so the organisation's domain decides nothing.
  return detectRoles(events, { userEmail: write?.account_email ?? '', preferences, people });
}

function roleFields(roles: ReadonlyMap<string, PersonRoleView>, email: string) {
  const view = roles.get(email);
  return { role: view?.role ?? 'other', roleSource: view?.source ?? 'detected' } as const;
}

/** Gap fields before `withGaps` reads the mirror. */
const NO_GAP = {
  lastOneOnOneAt: null,
  lastMetAt: null,
  daysNotSeen: null,
  daysSinceOneOnOne: null,
  notSeen: false,
  checkIn: null,
} as const;

function merge(
  stored: PersonRow[],
  detected: DetectedPersonRow[],
  roles: ReadonlyMap<string, PersonRoleView>,
): Person[] {
  const byEmail = new Map<string, Person>();
  const found = new Map(detected.map((d) => [d.email, d]));
  for (const row of stored) {
    const d = found.get(row.email);
    byEmail.set(row.email, {
      email: row.email,
      // A name set for the person wins; else the one the calendar lists them with.
      displayName: row.display_name || d?.name || '',
      protected: row.protected,
      fixed: row.fixed,
      detected: d !== undefined,
      cadence: cadenceText(d?.recurrence ?? null),
      lastHeldAt: later(row.last_held_at, d?.last_held ?? null)?.toISOString() ?? null,
      ...roleFields(roles, row.email),
      ...NO_GAP,
    });
  }
  for (const d of detected) {
    if (byEmail.has(d.email)) continue;
    byEmail.set(d.email, {
      email: d.email,
      displayName: d.name ?? '',
      protected: false,
      fixed: false,
      detected: true,
      cadence: cadenceText(d.recurrence),
      lastHeldAt: d.last_held?.toISOString() ?? null,
      ...roleFields(roles, d.email),
      ...NO_GAP,
    });
  }
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}

/** What the mirror shows about when the user last met each person, as each person's gap fields. */
async function withGaps(db: Database, userId: string, people: Person[], now: Date): Promise<Person[]> {
  const repos = repositories(db);
  const since = new Date(now.getTime() - NOT_SEEN_LOOKBACK_DAYS * DAY_MS);
  const seen = new Map((await repos.people.lastSeen(userId, now, since)).map((r) => [r.email, r]));
  const zone = (await repos.users.byId(userId))?.time_zone ?? 'UTC';
  const prefs = await repos.preferences.get(userId);
  const thresholdDays = notSeenThreshold(prefs);
  const template = prefs.notSeenCheckIn ?? DEFAULT_NOT_SEEN_CHECK_IN;
  return people.map((person) => {
    const row = seen.get(person.email);
    const dates = { lastOneOnOneAt: row?.last_one_on_one ?? null, lastMetAt: row?.last_met ?? null };
    const gap = seenGap(dates, { now, zone, thresholdDays });
    return {
      ...person,
      // A name the calendar gives on any shared meeting, when none is known yet.
      displayName: person.displayName || row?.name || '',
      lastOneOnOneAt: dates.lastOneOnOneAt?.toISOString() ?? null,
      lastMetAt: dates.lastMetAt?.toISOString() ?? null,
      daysNotSeen: gap.daysNotSeen,
      daysSinceOneOnOne: dates.lastOneOnOneAt && daysBetween(dates.lastOneOnOneAt, now, zone),
      notSeen: person.role !== 'other' && gap.pastThreshold,
      checkIn:
        person.role !== 'other' && gap.pastThreshold
          ? renderCheckIn(template, { name: person.displayName || row?.name || undefined })
          : null,
    };
  });
}

const PeopleList = Type.Object({
  people: Type.Array(PersonView),
  /** The threshold `notSeen` was held to (preferences `notSeenDays`). */
  notSeenDays: Type.Integer(),
});

export const peopleRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Producers;
  now: () => Date;
}> = async (app, { db, producers, now }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get('/people', { schema: { response: { 200: PeopleList } } }, async (request) => {
    const userId = request.user!.id;
    const at = now();
    const stored = await repos.people.listForUser(userId);
    const detected = await repos.people.detected(userId, at);
    const people = merge(stored, detected, await rolesOf(db, request.user!, stored, at));
    return {
      people: await withGaps(db, userId, people, at),
      notSeenDays: notSeenThreshold(await repos.preferences.get(userId)),
    };
  });

  app.patch(
    '/people/:email',
    {
      schema: {
        params: Type.Object({ email: EmailAddress }),
        body: Type.Object(
          {
            protected: Type.Optional(Type.Boolean()),
            fixed: Type.Optional(Type.Boolean()),
            /** Set (or confirm) the person's role: stored as the user's, never replaced by a suggestion. */
            role: Type.Optional(PersonRoleSchema),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
      },
    },
    async (request) => {
      const userId = request.user!.id;
      const email = request.params.email.toLowerCase();
      const row = await repos.people.setSettings(userId, email, request.body);
      await repos.audit.record({
        userId,
        actor: 'user',
        action: 'person.updated',
        details: { email, ...request.body },
      });
      // Protected and fixed change what the plan may do, and a role what its overload rule counts:
      // replan, and the new plan replaces the preview.
      await replanAfterSettingsChange(producers, userId, 'people');
      return {
        email: row.email,
        protected: row.protected,
        fixed: row.fixed,
        ...(row.role === null ? {} : { role: row.role }),
      };
    },
  );
};
