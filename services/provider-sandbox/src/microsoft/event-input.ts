/**
 * Applies a validated event body (POST or PATCH) to stored fields. Zones may be Windows or IANA names
 * (PROVIDERS.md §6); an unknown zone is Graph's `TimeZoneNotSupportedException`. A body without start/end
 * is accepted as Graph does for POST {"subject": …} (I-GRAPH-6599) and lands on the next half hour.
 */
import { Temporal } from 'temporal-polyfill';
import { GraphError } from './errors.js';
import type { EventInput, RecurrenceInput } from './event-schema.js';
import type {
  Attendee,
  AttendeeType,
  EventFields,
  Importance,
  PatternType,
  PatternedRecurrence,
  RangeType,
  Sensitivity,
  ShowAs,
  WeekIndex,
} from './model.js';
import { ianaZone, parseGraphDateTime, WEEKDAYS, type GraphWeekday } from './time.js';
import { enumValue } from './validate.js';

const SHOW_AS: readonly ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const SENSITIVITY: readonly Sensitivity[] = ['normal', 'personal', 'private', 'confidential'];
const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];
const ATTENDEE_TYPES: readonly AttendeeType[] = ['required', 'optional', 'resource'];
const PATTERNS: readonly PatternType[] = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
];
const RANGES: readonly RangeType[] = ['endDate', 'noEnd', 'numbered'];
const INDEXES: readonly WeekIndex[] = ['first', 'second', 'third', 'fourth', 'last'];
const HALF_HOUR = 30 * 60_000;
const DAY = 86_400_000;

export function zoneOf(name: string | undefined): string {
  const zone = ianaZone(name ?? 'UTC');
  if (zone === undefined) {
    throw new GraphError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name ?? ''}'.`,
    );
  }
  return zone;
}

function instant(value: { dateTime: string; timeZone?: string }): { ms: number; zone: string } {
  const zone = zoneOf(value.timeZone);
  const ms = parseGraphDateTime(value.dateTime, zone);
  if (ms === undefined) {
    throw new GraphError(
      400,
      'RequestBodyRead',
      `Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.String'.`,
    );
  }
  return { ms, zone };
}

export function defaultFields(nowMs: number): EventFields {
  const start = Math.ceil(nowMs / HALF_HOUR) * HALF_HOUR;
  return {
    subject: '',
    body: { contentType: 'html', content: '' },
    startMs: start,
    endMs: start + HALF_HOUR,
    startZone: 'UTC',
    endZone: 'UTC',
    isAllDay: false,
    showAs: 'busy',
    sensitivity: 'normal',
    importance: 'normal',
    categories: [],
    location: { displayName: '' },
    attendees: [],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    responseRequested: true,
    allowNewTimeProposals: true,
    hideAttendees: false,
    isOnlineMeeting: false,
  };
}

function attendees(input: NonNullable<EventInput['attendees']>): Attendee[] {
  return input.map((a) => ({
    type: enumValue(a.type ?? 'required', ATTENDEE_TYPES),
    status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    emailAddress: { name: a.emailAddress.name ?? a.emailAddress.address, address: a.emailAddress.address },
  }));
}

function applyTimes(fields: EventFields, input: EventInput): void {
  if (input.start !== undefined) {
    const duration = fields.endMs - fields.startMs;
    const s = instant(input.start);
    fields.startMs = s.ms;
    fields.startZone = s.zone;
    if (input.end === undefined) fields.endMs = s.ms + duration;
  }
  if (input.end !== undefined) {
    const e = instant(input.end);
    fields.endMs = e.ms;
    fields.endZone = e.zone;
  }
  if (fields.endMs < fields.startMs) {
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      'The end time of the event must be later than its start time.',
    );
  }
}

/** Returns new fields: `base` with every property present in `input` applied. */
export function applyEventInput(base: EventFields, input: EventInput): EventFields {
  const fields: EventFields = { ...base, body: { ...base.body }, location: { ...base.location } };
  if (input.subject !== undefined) fields.subject = input.subject;
  if (input.body !== undefined) {
    fields.body = {
      contentType: enumValue(input.body.contentType ?? 'text', ['text', 'html'] as const),
      content: input.body.content ?? '',
    };
  }
  applyTimes(fields, input);
  const place = input.location ?? input.locations?.[0];
  if (place !== undefined) fields.location = { displayName: place.displayName ?? '' };
  if (input.attendees !== undefined) fields.attendees = attendees(input.attendees);
  if (input.isAllDay !== undefined) fields.isAllDay = input.isAllDay;
  if (input.showAs !== undefined) fields.showAs = enumValue(input.showAs, SHOW_AS);
  if (input.sensitivity !== undefined) fields.sensitivity = enumValue(input.sensitivity, SENSITIVITY);
  if (input.importance !== undefined) fields.importance = enumValue(input.importance, IMPORTANCE);
  if (input.categories !== undefined) fields.categories = [...input.categories];
  if (input.isReminderOn !== undefined) fields.isReminderOn = input.isReminderOn;
  if (input.reminderMinutesBeforeStart !== undefined)
    fields.reminderMinutesBeforeStart = input.reminderMinutesBeforeStart;
  if (input.responseRequested !== undefined) fields.responseRequested = input.responseRequested;
  if (input.allowNewTimeProposals !== undefined) fields.allowNewTimeProposals = input.allowNewTimeProposals;
  if (input.hideAttendees !== undefined) fields.hideAttendees = input.hideAttendees;
  if (input.isOnlineMeeting !== undefined) fields.isOnlineMeeting = input.isOnlineMeeting;
  checkAllDay(fields);
  return fields;
}

/** Graph requires all-day events to start and end at midnight, at least a day apart (PROVIDERS.md §8.6). */
function checkAllDay(fields: EventFields): void {
  if (!fields.isAllDay) return;
  const midnight = (ms: number, zone: string): boolean => {
    const local = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
    return local.hour === 0 && local.minute === 0 && local.second === 0;
  };
  if (
    !midnight(fields.startMs, fields.startZone) ||
    !midnight(fields.endMs, fields.endZone) ||
    fields.endMs - fields.startMs < DAY - HALF_HOUR
  ) {
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      "Your request can't be completed. If the event is an all-day event, the start and end times must be at " +
        'midnight and the difference between them must be at least one day.',
    );
  }
}

function weekday(value: string): GraphWeekday {
  return enumValue(value, WEEKDAYS);
}

export function toRecurrence(input: RecurrenceInput, fields: EventFields): PatternedRecurrence {
  const p = input.pattern;
  const r = input.range;
  const rec: PatternedRecurrence = {
    pattern: {
      type: enumValue(p.type, PATTERNS),
      interval: p.interval ?? 1,
      month: p.month ?? 0,
      dayOfMonth: p.dayOfMonth ?? 0,
      daysOfWeek: (p.daysOfWeek ?? []).map(weekday),
      firstDayOfWeek: weekday(p.firstDayOfWeek ?? 'sunday'),
      index: enumValue(p.index ?? 'first', INDEXES),
    },
    range: {
      type: enumValue(r.type, RANGES),
      startDate: r.startDate,
      endDate: r.endDate ?? '0001-01-01',
      recurrenceTimeZone: r.recurrenceTimeZone ?? fields.startZone,
      numberOfOccurrences: r.numberOfOccurrences ?? 0,
    },
  };
  checkRecurrence(rec);
  return rec;
}

function checkRecurrence(rec: PatternedRecurrence): void {
  const fail = (what: string): never => {
    throw new GraphError(
      400,
      'ErrorPropertyValidationFailure',
      `At least one property failed validation. ${what}`,
    );
  };
  const { pattern, range } = rec;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(range.startDate)) fail('recurrence.range.startDate must be a date.');
  if (pattern.interval < 1) fail('recurrence.pattern.interval must be at least 1.');
  const needsDays = pattern.type === 'weekly' || pattern.type.startsWith('relative');
  if (needsDays && pattern.daysOfWeek.length === 0) fail('recurrence.pattern.daysOfWeek is required.');
  if (pattern.type.startsWith('absolute') && pattern.dayOfMonth < 1)
    fail('recurrence.pattern.dayOfMonth is required.');
  if (pattern.type.endsWith('Yearly') && pattern.month < 1) fail('recurrence.pattern.month is required.');
  if (range.type === 'numbered' && range.numberOfOccurrences < 1)
    fail('recurrence.range.numberOfOccurrences is required.');
  if (range.type === 'endDate' && (range.endDate < range.startDate || range.endDate === '0001-01-01')) {
    fail('recurrence.range.endDate must not be before startDate.');
  }
  zoneOf(range.recurrenceTimeZone);
}
