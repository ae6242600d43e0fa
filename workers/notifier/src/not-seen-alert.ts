/**
 * `people.not_seen`: the reports and partners the user has not met for the threshold (preferences
 * `notSeenDays`), from the mirror's last eight weeks. Raised when a plan is evaluated, once per person
 * per gap: a gap is known by when they last met (`not_seen_alerts`), so replans, a threshold changed
 * back and forth, or the same people still unseen say nothing new; meeting them and then not again
 * starts a new gap. Each event lists everyone past the threshold, `crossed` marking the new ones.
 */
import { repositories, type Database } from '@frontload/db';
import {
  DAY_MS,
  NOT_SEEN_LOOKBACK_DAYS,
  notSeen,
  type NotSeenEntry,
  type PersonRole,
  type WebhookPayloadV1,
} from '@frontload/domain';
import { fanOut, messageId, type AlertContext } from './evaluate-alerts.js';

/** A person the plan counted as a report or partner. */
export interface PlannedRole {
  email: string;
  role: PersonRole;
}

const seenAt = (e: NotSeenEntry) =>
  e.lastMetAt && e.lastOneOnOneAt
    ? new Date(Math.max(e.lastMetAt.getTime(), e.lastOneOnOneAt.getTime()))
    : (e.lastMetAt ?? e.lastOneOnOneAt);

const gapText = (e: NotSeenEntry) =>
  `${e.name || e.email} (${e.daysNotSeen === null ? `not in ${NOT_SEEN_LOOKBACK_DAYS} days` : `${e.daysNotSeen} days`})`;

/** Who is past the threshold now, longest gap first, with the names the user or the calendar gives. */
async function pastThreshold(
  db: Database,
  ctx: AlertContext,
  roles: readonly PlannedRole[],
  thresholdDays: number,
) {
  const repos = repositories(db);
  const since = new Date(ctx.now.getTime() - NOT_SEEN_LOOKBACK_DAYS * DAY_MS);
  const seen = new Map((await repos.people.lastSeen(ctx.user.id, ctx.now, since)).map((r) => [r.email, r]));
  const names = new Map((await repos.people.listForUser(ctx.user.id)).map((p) => [p.email, p.display_name]));
  const people = roles.map(({ email, role }) => ({
    email,
    role,
    name: names.get(email) || seen.get(email)?.name || '',
    lastOneOnOneAt: seen.get(email)?.last_one_on_one ?? null,
    lastMetAt: seen.get(email)?.last_met ?? null,
  }));
  return notSeen(people, { now: ctx.now, zone: ctx.zone, thresholdDays }).filter((e) => e.pastThreshold);
}

/** Records the gaps past the threshold and, when one is new, raises the event; returns delivery ids. */
export async function notSeenAlert(
  db: Database,
  ctx: AlertContext,
  roles: readonly PlannedRole[],
  thresholdDays: number,
): Promise<string[]> {
  const entries = await pastThreshold(db, ctx, roles, thresholdDays);
  if (entries.length === 0) return [];
  return db.transaction(async (tx) => {
    const gaps = entries.map((e) => ({ email: e.email, seenAt: seenAt(e) }));
    const crossed = new Set(await repositories(tx).notSeenAlerts.recordNew(ctx.user.id, gaps));
    if (crossed.size === 0) return [];
    const fresh = entries.filter((e) => crossed.has(e.email));
    const payload: WebhookPayloadV1 = {
      type: 'people.not_seen',
      timestamp: ctx.now.toISOString(),
      data: {
        version: 1,
        summary: `Not seen lately: ${fresh.map(gapText).join(', ')}. Check in with them?`,
        user: ctx.user,
        notSeen: {
          thresholdDays,
          lookbackDays: NOT_SEEN_LOOKBACK_DAYS,
          people: entries.map((e) => ({
            email: e.email,
            name: e.name,
            role: e.role === 'partner' ? 'partner' : 'report',
            daysNotSeen: e.daysNotSeen,
            lastOneOnOneAt: e.lastOneOnOneAt?.toISOString() ?? null,
            lastMetAt: e.lastMetAt?.toISOString() ?? null,
            crossed: crossed.has(e.email),
          })),
        },
        links: { settings: `${ctx.publicUrl.replace(/\/$/, '')}/#people` },
      },
    };
    // The message id derives from the new gaps: the same gaps can never make a second message.
    const subject = fresh.map((e) => `${e.email}@${seenAt(e)?.toISOString() ?? 'none'}`).join(',');
    return fanOut(tx, ctx, messageId(ctx.user.id, 'people.not_seen', subject), payload);
  });
}
