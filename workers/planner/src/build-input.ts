/**
 * Builds the planner's input for one user from what Frontload stores (mirror, preferences, people,
 * ledger history) plus the counterparts' free/busy, fetched through the provider in as few calls as
 * it allows. Nothing here decides anything: all decisions are the pure planner's, and the user's
 * intent (deleted focus blocks, overrides) is the pure intent model's (intent.ts; intent-history.ts
 * stores the overrides it finds).
 */
import { repositories, type ConnectionRow, type Database } from '@frontload/db';
import {
  PersonSettingsSchema,
  otherPeople,
  type CalendarEvent,
  type PersonSettings,
  type Preferences,
  weekOf,
} from '@frontload/domain';
import { holdsUserTime, type PlannerInput } from '@frontload/planner';
import type { CalendarProvider } from '@frontload/providers';
import { Temporal } from 'temporal-polyfill';
import { cachedFreeBusy, type FreeBusyCache } from './free-busy-cache.js';
import { intentHistory } from './intent-history.js';
import { Value } from 'typebox/value';

const DAY = 86_400_000;
/** Past weeks read for "last held 1:1" (the 21-day rule needs at least three). */
const LOOKBACK_DAYS = 42;
const HORIZON_DAYS = 21;

export interface InputSources {
  db: Database;
  provider: CalendarProvider;
  now: Date;
  freeBusyCache?: FreeBusyCache;
}

async function preferencesOf(db: Database, userId: string): Promise<Preferences> {
  return repositories(db).preferences.get(userId);
}

async function peopleOf(db: Database, userId: string): Promise<PersonSettings[]> {
  const rows = await repositories(db).people.listForUser(userId);
  return rows
    .map((r) => ({
      email: r.email,
      protected: r.protected,
      fixed: r.fixed,
      // The user's role only: without one the planner proposes it from the calendar.
      ...(r.role === null ? {} : { role: r.role }),
    }))
    .filter((p) => Value.Check(PersonSettingsSchema, p));
}

/** People the user meets one-on-one (the planner decides what counts; this only bounds the free/busy query). */
function counterpartEmails(events: CalendarEvent[]): string[] {
  const emails = new Set<string>();
  for (const event of events) {
    const others = otherPeople(event);
    if (others.length === 1 && event.status !== 'cancelled') emails.add(others[0]!.email.toLowerCase());
  }
  return [...emails].sort();
}

function lastHeld(events: CalendarEvent[], now: number): PlannerInput['history']['lastHeldOneOnOnes'] {
  const last = new Map<string, string>();
  for (const event of events) {
    const others = otherPeople(event);
    if (others.length !== 1 || event.status === 'cancelled' || Date.parse(event.end) > now) continue;
    const email = others[0]!.email.toLowerCase();
    if (!last.has(email) || Date.parse(last.get(email)!) < Date.parse(event.start))
      last.set(email, event.start);
  }
  return [...last].map(([email, at]) => ({ email, at }));
}

/** The later of two plain dates (`YYYY-MM-DD` sorts as text), or null when neither is set. */
const latest = (a: string | null | undefined, b: string | null | undefined): string | null =>
  [a, b]
    .filter((d): d is string => typeof d === 'string')
    .sort()
    .at(-1) ?? null;

/**
 * Busy time on the user's other healthy calendars over the horizon: their mirrored events that hold
 * the user's time, as bare intervals (the planner never moves or writes them).
 */
async function otherCalendarsBusy(
  db: Database,
  others: readonly ConnectionRow[],
  nowMs: number,
): Promise<{ start: string; end: string }[]> {
  const mirror = repositories(db).mirror;
  const busy: { start: string; end: string }[] = [];
  for (const other of others) {
    const events = await mirror.eventsInWindow(
      other.id,
      new Date(nowMs - 7 * DAY),
      new Date(nowMs + HORIZON_DAYS * DAY),
    );
    for (const event of events) if (holdsUserTime(event)) busy.push({ start: event.start, end: event.end });
  }
  return busy.sort(
    (a, b) => Date.parse(a.start) - Date.parse(b.start) || Date.parse(a.end) - Date.parse(b.end),
  );
}

export async function buildPlannerInput(
  sources: InputSources,
  user: { id: string; email: string; time_zone: string },
  connection: ConnectionRow,
  /** The user's other healthy connections: their busy time counts, nothing is written to them. */
  others: readonly ConnectionRow[] = [],
): Promise<PlannerInput> {
  const { db, provider, now } = sources;
  const repos = repositories(db);
  const nowMs = now.getTime();
  const all = await repos.mirror.eventsInWindow(
    connection.id,
    new Date(nowMs - LOOKBACK_DAYS * DAY),
    new Date(nowMs + HORIZON_DAYS * DAY),
  );
  const upcoming = all.filter((e) => Date.parse(e.end) > nowMs - 7 * DAY);
  const emails = counterpartEmails(upcoming);
  const window = {
    start: new Date(nowMs - 7 * DAY).toISOString(),
    end: new Date(nowMs + HORIZON_DAYS * DAY).toISOString(),
  };
  const counterparts = emails.length
    ? await cachedFreeBusy(sources.freeBusyCache, provider, connection.id, emails, window)
    : [];
  const zone = connection.time_zone ?? user.time_zone;
  const preferences = await preferencesOf(db, user.id);
  const otherBusy = await otherCalendarsBusy(db, others, nowMs);
  return {
    now: now.toISOString(),
    zone,
    userEmail: connection.account_email,
    idSeed: connection.id.replaceAll('-', ''),
    preferences,
    people: await peopleOf(db, user.id),
    events: upcoming,
    ...(otherBusy.length > 0 ? { otherCalendarsBusy: otherBusy } : {}),
    counterparts,
    history: {
      // The later of Frontload's last applied skip week and the one the user told us about. Until
      // either exists, the cadence counts from the week before the calendar was connected: the
      // planner reads a last skip week inside the horizon as "this is the skip week", and a new
      // user's first week must not become one.
      lastSkipWeek:
        latest(await repos.plans.lastSkipWeek(user.id), preferences.skipWeeks.lastSkipWeek) ??
        weekOf(Temporal.Instant.fromEpochMilliseconds(connection.created_at.getTime()), zone)
          .startDate.subtract({ days: 7 })
          .toString(),
      lastHeldOneOnOnes: lastHeld(all, nowMs),
      ...(await intentHistory(db, user.id, connection, all, now)),
    },
  };
}
