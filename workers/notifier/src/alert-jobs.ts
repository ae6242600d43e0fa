/**
 * The two jobs that create alert deliveries: `evaluate-alerts` after a plan is stored, and
 * `connection-lost` when sync marks a connection as needing reauthorization. Both only write
 * deliveries (idempotently) and hand their ids back to be queued.
 */
import { repositories, type Database } from '@frontload/db';
import {
  DEFAULT_PREFERENCES,
  PreferencesSchema,
  WeekMetricsSchema,
  type WebhookPayloadV1,
} from '@frontload/domain';
import Type from 'typebox';
import { Value } from 'typebox/value';
import { evaluateAlerts, recordEvent, type AlertContext } from './evaluate-alerts.js';

/** What the planner stores in `plans.metrics`: one entry per week of the horizon. */
export const StoredPlanMetrics = Type.Object({ weeks: Type.Array(WeekMetricsSchema) });

async function alertContext(
  db: Database,
  userId: string,
  publicUrl: string,
  now: Date,
): Promise<AlertContext | undefined> {
  const user = await repositories(db).users.byId(userId);
  if (!user) return undefined;
  const prefs = (
    await db.query<{ data: unknown }>('select data from preferences where user_id = $1', [userId])
  ).rows[0];
  const limits =
    prefs && Value.Check(PreferencesSchema, prefs.data) ? prefs.data.overload : DEFAULT_PREFERENCES.overload;
  return { user: { id: user.id, email: user.email }, zone: user.time_zone, limits, publicUrl, now };
}

export async function evaluatePlanAlerts(
  db: Database,
  input: { userId: string; planId: string },
  publicUrl: string,
  now: Date,
) {
  const ctx = await alertContext(db, input.userId, publicUrl, now);
  const { rows } = await db.query<{ metrics: unknown }>(
    'select metrics from plans where id = $1 and user_id = $2',
    [input.planId, input.userId],
  );
  if (!ctx || !rows[0]) return { deliveries: [], skipped: 'plan or user no longer exists' };
  // Stored JSON is checked like any other input: a malformed row fails loudly, never alerts wrongly.
  const metrics = Value.Parse(StoredPlanMetrics, rows[0].metrics);
  return { deliveries: await evaluateAlerts(db, metrics.weeks, ctx) };
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
  return { deliveries: await recordEvent(db, ctx, subject, payload) };
}

/**
 * A skip week the planner proposes or applies: who would not get their 1:1 that week, and who keeps
 * it because they are protected. Announced once per (user, skip week), however often it is replanned.
 */
export async function skipWeekAnnouncement(
  db: Database,
  input: { userId: string; planId: string },
  publicUrl: string,
  now: Date,
) {
  const ctx = await alertContext(db, input.userId, publicUrl, now);
  const { rows } = await db.query<{ metrics: { skipWeek?: string | null } }>(
    'select metrics from plans where id = $1 and user_id = $2',
    [input.planId, input.userId],
  );
  const skipWeek = rows[0]?.metrics.skipWeek;
  if (!ctx || !skipWeek) return { deliveries: [], skipped: 'no skip week in this plan' };
  const cancelled = await db.query<{ email: string }>(
    `select distinct desired->>'counterpart' as email from operations where plan_id = $1 and kind = 'cancelOccurrence'`,
    [input.planId],
  );
  const protectedPeople = await db.query<{ email: string; display_name: string }>(
    'select email, display_name from people where user_id = $1 and protected order by email',
    [input.userId],
  );
  const affected = cancelled.rows.map((r) => ({ email: r.email, name: '' }));
  const payload: WebhookPayloadV1 = {
    type: 'skip_week.announced',
    timestamp: now.toISOString(),
    data: {
      version: 1,
      summary: `The week of ${skipWeek} is a skip week: ${affected.length} 1:1(s) will be cancelled with your note; protected people keep theirs.`,
      user: ctx.user,
      week: { start: skipWeek, zone: ctx.zone },
      skipWeek: {
        affected,
        protected: protectedPeople.rows.map((p) => ({ email: p.email, name: p.display_name })),
      },
      links: { settings: `${publicUrl.replace(/\/$/, '')}/#week-${skipWeek}` },
    },
  };
  return { deliveries: await recordEvent(db, ctx, `skip-week:${skipWeek}`, payload) };
}
