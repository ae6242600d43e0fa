/**
 * RRULE expansion for Google recurring events (RRULE with BYDAY/COUNT/UNTIL/INTERVAL, EXDATE, RDATE).
 * rrule-temporal iterates in the event's own zone, so a 10:00 Berlin series stays at 10:00 local across
 * a DST change (Google requires recurring events to name a time zone: PROVIDERS.md §6).
 */
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import type { StoredEvent, When } from './model.js';
import { addDays, daysBetween } from './time.js';

/** Expansion cap per series and call; Google also stops expanding far-future instances of endless series. */
export const MAX_INSTANCES = 1000;

type RuleOptions = ConstructorParameters<typeof RRuleTemporal<Temporal.ZonedDateTime>>[0];

interface ParsedRecurrence {
  rrules: string[];
  exdates: When[];
  rdates: When[];
}

export class RecurrenceError extends Error {}

export function parseRecurrence(lines: readonly string[]): ParsedRecurrence {
  const parsed: ParsedRecurrence = { rrules: [], exdates: [], rdates: [] };
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).toUpperCase();
    const value = colon < 0 ? '' : line.slice(colon + 1);
    const key = name.split(';')[0];
    if (key === 'RRULE') {
      if (!/FREQ=(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY|MINUTELY|SECONDLY)/i.test(value))
        throw new RecurrenceError(line);
      parsed.rrules.push(value);
    } else if (key === 'EXDATE' || key === 'RDATE') {
      const dates = value.split(',').map((v) => parseIcsDate(v, name));
      (key === 'EXDATE' ? parsed.exdates : parsed.rdates).push(...dates);
    } else {
      throw new RecurrenceError(line);
    }
  }
  return parsed;
}

/** `20261123`, `20261123T100000Z` or `20261123T100000` with `;TZID=Europe/Berlin` in the property name. */
function parseIcsDate(value: string, property: string): When {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
  if (!m) throw new RecurrenceError(`${property}:${value}`);
  const [, y, mo, d, h, mi, s, z] = m;
  const date = `${y}-${mo}-${d}`;
  if (h === undefined) return { kind: 'date', date };
  const local = `${date}T${h}:${mi}:${s}`;
  const tzid = /TZID=([^;:]+)/i.exec(property)?.[1];
  try {
    if (z) return { kind: 'dateTime', ms: Temporal.Instant.from(`${local}Z`).epochMilliseconds };
    return {
      kind: 'dateTime',
      ms: Temporal.PlainDateTime.from(local).toZonedDateTime(tzid ?? 'UTC').epochMilliseconds,
    };
  } catch {
    throw new RecurrenceError(`${property}:${value}`);
  }
}

function ruleFor(rrule: string, dtstart: Temporal.ZonedDateTime) {
  const options = {
    rruleString: rrule,
    dtstart,
    temporal: Temporal,
    maxIterations: MAX_INSTANCES * 20,
  } as RuleOptions;
  return new RRuleTemporal<Temporal.ZonedDateTime>(options);
}

/**
 * Original start times of the series' instances whose span overlaps [fromMs, toMs), ascending.
 * All-day series iterate dates (as midnight UTC); timed ones in the start's zone.
 */
export function instanceStarts(master: StoredEvent, zone: string, fromMs: number, toMs: number): When[] {
  const { rrules, exdates, rdates } = parseRecurrence(master.recurrence ?? []);
  const allDay = master.start.kind === 'date';
  const dtstart = allDay
    ? Temporal.PlainDate.from(master.start.kind === 'date' ? master.start.date : '').toZonedDateTime('UTC')
    : Temporal.Instant.fromEpochMilliseconds(
        master.start.kind === 'dateTime' ? master.start.ms : 0,
      ).toZonedDateTimeISO((master.start.kind === 'dateTime' ? master.start.timeZone : undefined) ?? zone);
  const span = spanMs(master);
  // All-day instants are compared as UTC midnights; widen by a day so zone offsets never cut one off.
  const slack = allDay ? 24 * 3600 * 1000 : 0;
  const from = new Date(fromMs - span - slack);
  const to = new Date(toMs + slack);
  const hits = new Map<number, When>();
  for (const rrule of rrules) {
    for (const z of ruleFor(rrule, dtstart).between(from, to, true)) {
      hits.set(z.epochMilliseconds, toWhen(z, allDay, master));
    }
  }
  for (const rdate of rdates)
    hits.set(rdate.kind === 'date' ? Date.parse(`${rdate.date}T00:00:00Z`) : rdate.ms, rdate);
  const excluded = new Set(exdates.map((e) => (e.kind === 'date' ? e.date : e.ms)));
  return [...hits.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, when]) => when)
    .filter((when) => !excluded.has(when.kind === 'date' ? when.date : when.ms))
    .slice(0, MAX_INSTANCES);
}

function toWhen(z: Temporal.ZonedDateTime, allDay: boolean, master: StoredEvent): When {
  if (allDay) return { kind: 'date', date: z.toPlainDate().toString() };
  const timeZone = master.start.kind === 'dateTime' ? master.start.timeZone : undefined;
  return { kind: 'dateTime', ms: z.epochMilliseconds, ...(timeZone === undefined ? {} : { timeZone }) };
}

/** Length of one instance in ms (days × 24 h for all-day series; only used to widen windows). */
export function spanMs(event: StoredEvent): number {
  if (event.start.kind === 'date' && event.end.kind === 'date')
    return daysBetween(event.start.date, event.end.date) * 86_400_000;
  if (event.start.kind === 'dateTime' && event.end.kind === 'dateTime') return event.end.ms - event.start.ms;
  return 0;
}

/** The end of the instance that starts at `start`, keeping the master's duration. */
export function instanceEnd(master: StoredEvent, start: When): When {
  if (start.kind === 'date' && master.start.kind === 'date' && master.end.kind === 'date') {
    return { kind: 'date', date: addDays(start.date, daysBetween(master.start.date, master.end.date)) };
  }
  const timeZone = master.end.kind === 'dateTime' ? master.end.timeZone : undefined;
  const ms = (start.kind === 'dateTime' ? start.ms : 0) + spanMs(master);
  return { kind: 'dateTime', ms, ...(timeZone === undefined ? {} : { timeZone }) };
}
