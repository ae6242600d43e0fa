/**
 * Expands Graph `patternedRecurrence` into occurrence start instants. Graph patterns map onto RFC 5545
 * rules (weekly → FREQ=WEEKLY;BYDAY, relativeMonthly → FREQ=MONTHLY;BYDAY=2TU, …); rrule-temporal does the
 * zone-aware iteration, so a 09:00 series stays at 09:00 local across a DST change.
 */
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import type { PatternedRecurrence, StoredEvent, WeekIndex } from './model.js';
import { ianaZone, type GraphWeekday } from './time.js';

const DAY_CODES: Record<GraphWeekday, string> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
};

const INDEX: Record<WeekIndex, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

/** Hard cap on expansion: Graph itself struggles with endless series (PROVIDERS.md §2, I-GRAPH-6353). */
const MAX_OCCURRENCES = 5000;

type RuleOptions = ConstructorParameters<typeof RRuleTemporal<Temporal.ZonedDateTime>>[0];

function patternOptions(rec: PatternedRecurrence): Partial<RuleOptions> {
  const p = rec.pattern;
  const days = p.daysOfWeek.map((d) => DAY_CODES[d]);
  const relative = days.map((d) => `${INDEX[p.index]}${d}`);
  switch (p.type) {
    case 'daily':
      return { freq: 'DAILY' };
    case 'weekly':
      return { freq: 'WEEKLY', byDay: days, wkst: DAY_CODES[p.firstDayOfWeek] };
    case 'absoluteMonthly':
      return { freq: 'MONTHLY', byMonthDay: [p.dayOfMonth] };
    case 'relativeMonthly':
      return { freq: 'MONTHLY', byDay: relative };
    case 'absoluteYearly':
      return { freq: 'YEARLY', byMonth: [p.month], byMonthDay: [p.dayOfMonth] };
    case 'relativeYearly':
      return { freq: 'YEARLY', byMonth: [p.month], byDay: relative };
  }
}

export function recurrenceZone(rec: PatternedRecurrence, fallback: string): string {
  return ianaZone(rec.range.recurrenceTimeZone) ?? fallback;
}

function buildRule(master: StoredEvent, rec: PatternedRecurrence) {
  const zone = recurrenceZone(rec, master.fields.startZone);
  const firstLocal = Temporal.Instant.fromEpochMilliseconds(master.fields.startMs).toZonedDateTimeISO(zone);
  const startDate = Temporal.PlainDate.from(rec.range.startDate);
  const dtstart = startDate.toZonedDateTime({ timeZone: zone, plainTime: firstLocal.toPlainTime() });
  const options: RuleOptions = {
    ...patternOptions(rec),
    interval: Math.max(1, rec.pattern.interval),
    tzid: zone,
    dtstart,
    maxIterations: MAX_OCCURRENCES * 4,
    temporal: Temporal,
  } as RuleOptions;
  if (rec.range.type === 'numbered') options.count = rec.range.numberOfOccurrences;
  if (rec.range.type === 'endDate') {
    options.until = Temporal.PlainDate.from(rec.range.endDate)
      .toZonedDateTime({ timeZone: zone, plainTime: Temporal.PlainTime.from('23:59:59') })
      .withTimeZone('UTC');
  }
  return new RRuleTemporal<Temporal.ZonedDateTime>(options);
}

/**
 * Original starts of every occurrence overlapping [fromMs, toMs). Exceptions are applied by the caller,
 * because a moved exception may leave or enter the window.
 */
export function occurrenceStarts(master: StoredEvent, fromMs: number, toMs: number): number[] {
  const rec = master.recurrence;
  if (rec === null) return [];
  const duration = master.fields.endMs - master.fields.startMs;
  const rule = buildRule(master, rec);
  const from = new Date(fromMs - duration);
  const to = new Date(toMs);
  const hits = rule.between(from, to, true);
  return hits
    .map((z) => z.epochMilliseconds)
    .filter((ms) => ms + duration > fromMs && ms < toMs)
    .slice(0, MAX_OCCURRENCES);
}

/** Whether `originalStartMs` is a slot the pattern actually produces. */
export function isOccurrence(master: StoredEvent, originalStartMs: number): boolean {
  return occurrenceStarts(master, originalStartMs, originalStartMs + 1).includes(originalStartMs);
}

/** The first slot of the series (Graph moves the master's start to it). */
export function firstOccurrence(master: StoredEvent): number | undefined {
  const rec = master.recurrence;
  if (rec === null) return undefined;
  return buildRule(master, rec).all((_, i) => i < 1)[0]?.epochMilliseconds;
}
