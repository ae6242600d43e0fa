/**
 * Turns a plan's week metrics into overload alerts, edge-triggered per (user, week, rule): one
 * `overload.tripped` when a rule starts failing, one `overload.cleared` when it stops, nothing for
 * any number of replans in between. The state change and the deliveries it causes are written in
 * one transaction, and message ids are derived from the transition, so a crash or a retried job
 * neither loses nor doubles an alert.
 */
import { createHash } from 'node:crypto';
import { repositories, type Database, type Queryable } from '@frontload/db';
import type { OverloadRule, Preferences, WebhookPayloadV1, WeekMetrics } from '@frontload/domain';

const RULES: readonly OverloadRule[] = ['meetingHours', 'focusShortfall', 'tooManyOneOnOnes', 'backToBack'];

type Limits = Preferences['overload'];

/** What each rule measured and the limit it was held to, as the payload shows them. */
interface RuleFacts {
  measured: Record<string, number>;
  thresholds: Record<string, number>;
  summary: string;
}

/**
 * The 1:1 rule counts reports; partners are reported beside them and never toward the limit. The
 * payload keeps v1's `peopleWithOneOnOnes` and `maxPeopleWithOneOnOnes` (now the limit on reports)
 * for receivers that read them, and adds the counts by role. A plan made before people had roles
 * counted everyone, and its text says so.
 */
function oneOnOneFacts(week: WeekMetrics, limits: Limits): RuleFacts {
  const limit = limits.maxPeopleWithOneOnOnes;
  if (week.reportsWithOneOnOnes === undefined) {
    return {
      measured: { peopleWithOneOnOnes: week.peopleWithOneOnOnes },
      thresholds: { maxPeopleWithOneOnOnes: limit },
      summary: `${week.peopleWithOneOnOnes} people with recurring 1:1s (more than ${limit} is overload)`,
    };
  }
  const reports = week.reportsWithOneOnOnes;
  const partners = week.partnersWithOneOnOnes ?? 0;
  const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return {
    measured: {
      reportsWithOneOnOnes: reports,
      partnersWithOneOnOnes: partners,
      peopleWithOneOnOnes: week.peopleWithOneOnOnes,
    },
    thresholds: { maxReportsWithOneOnOnes: limit, maxPeopleWithOneOnOnes: limit },
    summary: `${counted(reports, 'report', 'reports')} with recurring 1:1s (more than ${limit} is overload; ${counted(partners, 'partner', 'partners')} with 1:1s not counted)`,
  };
}

export function ruleFacts(rule: OverloadRule, week: WeekMetrics, limits: Limits): RuleFacts {
  switch (rule) {
    case 'meetingHours':
      return {
        measured: { meetingHours: week.meetingHours },
        thresholds: { maxMeetingHours: limits.maxMeetingHours },
        summary: `${week.meetingHours} h of meetings, above the ${limits.maxMeetingHours} h limit`,
      };
    case 'focusShortfall':
      return {
        measured: { focusHours: week.focusHours, focusTargetHours: week.focusTargetHours },
        thresholds: { minFocusShare: limits.minFocusShare },
        summary: `${week.focusHours} h of focus against a ${week.focusTargetHours} h target`,
      };
    case 'tooManyOneOnOnes':
      return oneOnOneFacts(week, limits);
    case 'backToBack':
      return {
        measured: {
          longestBackToBackMinutes: week.longestBackToBack.minutes,
          longestBackToBackCount: week.longestBackToBack.count,
        },
        thresholds: { maxBackToBackMinutes: limits.maxBackToBackMinutes },
        summary: `${week.longestBackToBack.count} meetings back to back for ${week.longestBackToBack.minutes} min`,
      };
  }
}

export interface AlertContext {
  user: { id: string; email: string };
  zone: string;
  limits: Limits;
  publicUrl: string;
  now: Date;
}

export const messageId = (...parts: (string | number)[]) =>
  `msg_${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32)}`;

/** One delivery per endpoint subscribed to the payload's type, inside the caller's transaction. */
export async function fanOut(
  tx: Queryable,
  ctx: AlertContext,
  id: string,
  payload: WebhookPayloadV1,
): Promise<string[]> {
  const repos = repositories(tx);
  const endpoints = await repos.webhooks.subscribers(ctx.user.id, payload.type);
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    const delivery = await repos.webhooks.createDelivery({
      endpointId: endpoint.id,
      userId: ctx.user.id,
      messageId: id,
      eventType: payload.type,
      payload,
    });
    ids.push(delivery.id);
  }
  return ids;
}

/** Evaluates every rule of every week; returns the ids of the deliveries to send. */
export async function evaluateAlerts(
  db: Database,
  weeks: WeekMetrics[],
  ctx: AlertContext,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const repos = repositories(tx);
    const deliveries: string[] = [];
    for (const week of weeks) {
      for (const rule of RULES) {
        const tripped = week.overload.includes(rule);
        const facts = ruleFacts(rule, week, ctx.limits);
        const transition = await repos.alertStates.transition({
          userId: ctx.user.id,
          weekStart: week.week,
          rule,
          tripped,
          measured: facts.measured,
        });
        // No change, or a first look at a healthy week: nothing to say.
        if (transition === undefined || (transition === 1 && !tripped)) continue;
        const payload: WebhookPayloadV1 = {
          type: tripped ? 'overload.tripped' : 'overload.cleared',
          timestamp: ctx.now.toISOString(),
          data: {
            version: 1,
            summary: tripped
              ? `Week of ${week.week} is overloaded: ${facts.summary}.`
              : `Week of ${week.week} is back under the limit (${facts.summary}).`,
            user: ctx.user,
            week: { start: week.week, zone: ctx.zone },
            rule,
            measured: facts.measured,
            thresholds: facts.thresholds,
            links: { settings: `${ctx.publicUrl.replace(/\/$/, '')}/#week-${week.week}` },
          },
        };
        deliveries.push(
          ...(await fanOut(tx, ctx, messageId(ctx.user.id, week.week, rule, transition), payload)),
        );
      }
    }
    return deliveries;
  });
}

/** A one-off event (connection lost, skip week announced): one message per subject, however often asked. */
export async function recordEvent(
  db: Database,
  ctx: AlertContext,
  subjectKey: string,
  payload: WebhookPayloadV1,
): Promise<string[]> {
  return db.transaction((tx) => fanOut(tx, ctx, messageId(ctx.user.id, payload.type, subjectKey), payload));
}
