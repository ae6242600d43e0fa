/**
 * Who the user has not seen lately: for each report and partner, the last 1:1 held with them and the
 * last meeting both attended (from the mirror, `peopleRepository.lastSeen`), and the days since the
 * later of the two. The page lists them longest gap first; the notifier raises `people.not_seen` for
 * those past the user's threshold (preferences `notSeenDays`).
 */
import { Temporal } from 'temporal-polyfill';
import type { PersonRole } from './people.js';

/**
 * How far back the mirror is read for it: eight weeks, which the sync's first listing covers
 * (workers/sync deps.ts `windowBackMs`). Someone not met in that window has no date at all.
 */
export const NOT_SEEN_LOOKBACK_DAYS = 56;

/** A report or partner, with what the mirror shows about the last time the user met them. */
export interface SeenInput {
  email: string;
  name: string;
  role: PersonRole;
  /** End of the last held 1:1 with exactly this person, within the lookback; null if none. */
  lastOneOnOneAt: Date | null;
  /** End of the last meeting both attended (1:1s included), within the lookback; null if none. */
  lastMetAt: Date | null;
}

/** One person's gap. */
export interface NotSeenEntry extends SeenInput {
  /** Calendar days (in the user's zone) since the later of the two dates; null when neither exists. */
  daysNotSeen: number | null;
  /** Not seen for at least the threshold, or not at all within the lookback. */
  pastThreshold: boolean;
}

/** Calendar days between two instants as dates in `zone`: yesterday evening to this morning is 1. */
export function daysBetween(from: Date, to: Date, zone: string): number {
  const day = (d: Date) => Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(zone);
  return Math.max(0, day(from).toPlainDate().until(day(to).toPlainDate(), { largestUnit: 'days' }).days);
}

const laterOf = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/** One person's gap: days since the later of their two dates, and whether that reaches the threshold. */
export function seenGap(
  p: Pick<SeenInput, 'lastOneOnOneAt' | 'lastMetAt'>,
  ctx: { now: Date; zone: string; thresholdDays: number },
): { daysNotSeen: number | null; pastThreshold: boolean } {
  const seen = laterOf(p.lastOneOnOneAt, p.lastMetAt);
  const daysNotSeen = seen === null ? null : daysBetween(seen, ctx.now, ctx.zone);
  return { daysNotSeen, pastThreshold: daysNotSeen === null || daysNotSeen >= ctx.thresholdDays };
}

/**
 * The gaps of the given people (reports and partners only; others are left out), longest first:
 * people never seen within the lookback, then by days, then by name and address for a stable order.
 */
export function notSeen(
  people: readonly SeenInput[],
  ctx: { now: Date; zone: string; thresholdDays: number },
): NotSeenEntry[] {
  return people
    .filter((p) => p.role === 'report' || p.role === 'partner')
    .map((p) => ({ ...p, ...seenGap(p, ctx) }))
    .sort(
      (a, b) =>
        (b.daysNotSeen ?? Infinity) - (a.daysNotSeen ?? Infinity) ||
        (a.name || a.email).localeCompare(b.name || b.email) ||
        a.email.localeCompare(b.email),
    );
}
