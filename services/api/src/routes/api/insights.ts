/**
 * Balance history (`GET /insights`): for the last twelve weeks (the current one included) and the
 * next two, the time with people against the time for engineering, read from the mirror of the
 * calendar Frontload plans and computed per week by the planner's pure `weekInsights`.
 *
 * The mirror reaches back only so far: a full listing reads MIRROR_BACK_DAYS back (the sync worker's
 * `windowBackMs`) and later syncs keep what it read, so a week starting before the last full
 * listing's reach is `available: false` with no numbers, never a week of zeros. So is every week
 * until the calendar has been listed once.
 */
import { repositories, type Database } from '@frontload/db';
import { DAY_MS, PlainDateString, type PersonSettings } from '@frontload/domain';
import { WeekInsightsSchema, balanceWeeks, detectRoles, weekInsights } from '@frontload/planner';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

/** How far back a full listing reads the calendar: the sync worker's `windowBackMs` (eight weeks). */
export const MIRROR_BACK_DAYS = 56;

const InsightsWeek = Type.Object(
  {
    /** First day of the week in the user's zone. */
    week: PlainDateString,
    /** Weeks from the current one: 0 this week, -1 last week, 1 next week. */
    offset: Type.Integer({ minimum: -11, maximum: 2 }),
    /** False for a week the mirror does not reach: `insights` is then null. */
    available: Type.Boolean(),
    insights: Type.Union([WeekInsightsSchema, Type.Null()]),
  },
  { additionalProperties: false },
);

const InsightsResponse = Type.Object(
  {
    /** The zone the weeks are in: the planned calendar's, else the user's. */
    zone: Type.String(),
    /** The preference `targetPeopleShare`: the share of people time the user aims for. */
    targetPeopleShare: Type.Number({ minimum: 0, maximum: 1 }),
    /** The minimum focus block (minutes) that tells focus from fragmented time. */
    minBlockMinutes: Type.Integer({ minimum: 0 }),
    /** Oldest first. */
    weeks: Type.Array(InsightsWeek),
  },
  { additionalProperties: false },
);

export const insightRoutes: FastifyPluginAsyncTypebox<{ db: Database; now: () => Date }> = async (
  app,
  { db, now },
) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get('/insights', { schema: { response: { 200: InsightsResponse } } }, async (request) => {
    const user = request.user!;
    const preferences = await repos.preferences.get(user.id);
    // The calendar Frontload plans (the chosen one, else the first connected), as People reads it.
    const connections = await repos.connections.listForUser(user.id);
    const target = await repos.connections.writeTargetId(user.id);
    const calendar = connections.find((c) => c.id === target) ?? connections[0];
    const zone = calendar?.time_zone ?? (await repos.users.byId(user.id))?.time_zone ?? 'UTC';
    const { clock, weeks } = balanceWeeks(zone, now().getTime(), preferences);
    const first = weeks[0]!.frame;
    const last = weeks[weeks.length - 1]!.frame;
    const listed = calendar?.full_synced_at?.getTime();
    const reach = listed === undefined ? Infinity : listed - MIRROR_BACK_DAYS * DAY_MS;
    const events = calendar
      ? await repos.mirror.eventsInWindow(calendar.id, new Date(first.start), new Date(last.end))
      : [];
    const people: PersonSettings[] = (await repos.people.listForUser(user.id)).flatMap((r) =>
      r.role === null ? [] : [{ email: r.email, role: r.role }],
    );
    // Roles over the whole span read: who had recurring 1:1s then, the user's own roles winning.
    const roles = detectRoles(events, { userEmail: calendar?.account_email ?? '', preferences, people });
    return {
      zone,
      targetPeopleShare: preferences.targetPeopleShare ?? 0.5,
      minBlockMinutes: preferences.focus.minBlockMinutes,
      weeks: weeks.map(({ offset, frame }) => {
        const available = frame.start >= reach;
        return {
          week: frame.startDate,
          offset,
          available,
          insights: available ? weekInsights({ events, week: frame, clock, preferences, roles }) : null,
        };
      }),
    };
  });
};
