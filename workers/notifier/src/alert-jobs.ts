/**
 * The two jobs that create alert deliveries: `evaluate-alerts` after a plan is stored, and
 * `connection-lost` when sync marks a connection as needing reauthorization. Both only write
 * deliveries (idempotently) and hand their ids back to be queued.
 */
import { repositories, type Database } from '@frontload/db';
import { notSeenThreshold, WeekMetricsSchema, type WebhookPayloadV1 } from '@frontload/domain';
import Type from 'typebox';
import { Value } from 'typebox/value';
import { evaluateAlerts, recordEvent, type AlertContext } from './evaluate-alerts.js';
import { notSeenAlert } from './not-seen-alert.js';

/**
 * What the planner stores in `plans.metrics`: one entry per week of the horizon, after the plan
 * (`weeks`) and of the calendar as it is (`calendarWeeks`; absent on plans stored before it existed),
 * and the reports and partners it counted (`people`; absent on older plans, which then raise no
 * `people.not_seen`).
 */
export const StoredPlanMetrics = Type.Object({
  weeks: Type.Array(WeekMetricsSchema),
  calendarWeeks: Type.Optional(Type.Array(WeekMetricsSchema)),
  people: Type.Optional(
    Type.Array(
      Type.Object({
        email: Type.String(),
        role: Type.Union([Type.Literal('report'), Type.Literal('partner'), Type.Literal('other')]),
      }),
    ),
  ),
});

async function alertContext(
  db: Database,
  userId: string,
  publicUrl: string,
  now: Date,
): Promise<AlertContext | undefined> {
  const repos = repositories(db);
  const user = await repos.users.byId(userId);
  if (!user) return undefined;
  const limits = (await repos.preferences.get(userId)).overload;
  return { user: { id: user.id, email: user.email }, zone: user.time_zone, limits, publicUrl, now };
}

export async function evaluatePlanAlerts(
  db: Database,
  input: { userId: string; planId: string },
  publicUrl: string,
  now: Date,
) {
  const ctx = await alertContext(db, input.userId, publicUrl, now);
  const plan = await repositories(db).plans.byIdForUser(input.userId, input.planId);
  if (!ctx || !plan) return { deliveries: [], skipped: 'plan or user no longer exists' };
  // Stored JSON is checked like any other input: a malformed row fails loudly, never alerts wrongly.
  const metrics = Value.Parse(StoredPlanMetrics, plan.metrics);
  // Alerts describe the calendar the user has. Only a plan autopilot applies by itself becomes that
  // calendar; a preview (or a plan waiting for confirmation) is a proposal, so its week is not used.
  const user = await repositories(db).users.byId(input.userId);
  const applies = user?.mode === 'autopilot' && plan.state !== 'confirm_required';
  const weeks = applies ? metrics.weeks : (metrics.calendarWeeks ?? metrics.weeks);
  const overload = await evaluateAlerts(db, weeks, ctx);
  // Whom the user has not seen is about meetings already held: the same whatever the plan proposes.
  const threshold = notSeenThreshold(await repositories(db).preferences.get(input.userId));
  const notSeen = await notSeenAlert(db, ctx, metrics.people ?? [], threshold);
  return { deliveries: [...overload, ...notSeen] };
}

export async function connectionLostAlert(db: Database, connectionId: string, publicUrl: string, now: Date) {
  const connection = await repositories(db).connections.byId(connectionId);
  if (!connection || connection.status !== 'needs_reauth')
    return { deliveries: [], skipped: 'connection is not lost' };
  const ctx = await alertContext(db, connection.user_id, publicUrl, now);
  if (!ctx) return { deliveries: [], skipped: 'user no longer exists' };
  const payload: WebhookPayloadV1 = {
    type: 'connection.lost',
    timestamp: now.toISOString(),
    data: {
      version: 1,
      summary: `Frontload lost access to ${connection.account_email} (${connection.provider}); reconnect it to keep your week in shape.`,
      user: ctx.user,
      connection: {
        id: connection.id,
        provider: connection.provider,
        accountEmail: connection.account_email,
      },
      links: { settings: `${publicUrl.replace(/\/$/, '')}/#connections` },
    },
  };
  // One message per loss: a later loss of the same connection (after a reconnect) is a new one.
  const subject = `${connection.id}:${connection.updated_at.toISOString()}`;
  return { userId: connection.user_id, deliveries: await recordEvent(db, ctx, subject, payload) };
}

/**
 * A skip week once applied: whose 1:1 that week was cancelled (and still is), and who keeps theirs
 * because they are protected. A preview never applied, or a run whose cancellations were all undone,
 * announces nothing. Announced once per (user, skip week), however often it is replanned.
 */
export async function skipWeekAnnouncement(
  db: Database,
  input: { userId: string; planId: string },
  publicUrl: string,
  now: Date,
) {
  const ctx = await alertContext(db, input.userId, publicUrl, now);
  const repos = repositories(db);
  const plan = await repos.plans.byIdForUser(input.userId, input.planId);
  const skipWeek = (plan?.metrics as { skipWeek?: string | null } | undefined)?.skipWeek;
  if (!ctx || !skipWeek) return { deliveries: [], skipped: 'no skip week in this plan' };
  const cancelled = await repos.plans.cancelledCounterparts(input.planId);
  if (cancelled.length === 0) return { deliveries: [], skipped: 'no skip-week cancellation applied' };
  const protectedPeople = await repos.people.protectedForUser(input.userId);
  const affected = cancelled.map(({ email, name }) => ({ email, name }));
  const checkIns = cancelled.flatMap(({ email, name, checkIn }) =>
    checkIn ? [{ email, name, text: checkIn }] : [],
  );
  const payload: WebhookPayloadV1 = {
    type: 'skip_week.announced',
    timestamp: now.toISOString(),
    data: {
      version: 1,
      summary: `The week of ${skipWeek} is a skip week: ${affected.length} 1:1(s) were cancelled with your note; protected people keep theirs.`,
      user: ctx.user,
      week: { start: skipWeek, zone: ctx.zone },
      skipWeek: {
        affected,
        protected: protectedPeople.map((p) => ({ email: p.email, name: p.display_name })),
        checkIns,
      },
      links: { settings: `${publicUrl.replace(/\/$/, '')}/#week-${skipWeek}` },
    },
  };
  return { deliveries: await recordEvent(db, ctx, `skip-week:${skipWeek}`, payload) };
}
