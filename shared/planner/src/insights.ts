/**
 * Balance history: one week of the user's calendar as time with people against time for engineering
 * (issue 21). Pure, like the planner: the API reads the mirror, detects roles and calls it per week.
 *
 * The definitions follow the planner's metrics (metrics.ts) where it has them: a meeting holds the
 * user's time (`holdsUserTime`), has at least one other person, is not all-day and is not one of our
 * focus blocks; focus events are our focus blocks and the user's own focus-time entries. Overlapping
 * meetings count once.
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  ZoneClock,
  clip,
  coveredMs,
  otherPeople,
  parseEpochDay,
  subtract,
  union,
  weekFrame,
  weekStartDay,
  workingWindows,
  type CalendarEvent,
  type Interval,
  type Preferences,
  type WeekFrame,
} from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import Type, { type Static } from 'typebox';
import { holdsUserTime } from './apply-rules.js';
import { TEAM_MIN_OTHERS, roleOf, type PersonRoleView } from './detect-roles.js';

/** A day with more meetings than this (hours) is meeting-heavy. */
export const MEETING_HEAVY_DAY_HOURS = 4;
/** Focus in stretches at least this long (minutes) is deep focus. */
export const DEEP_FOCUS_MINUTES = 120;

const Hours = Type.Number({ minimum: 0 });
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

/** One week's balance between people and engineering, in hours (two decimals) and shares. */
export const WeekInsightsSchema = Type.Object(
  {
    /** Time in 1:1s (meetings with exactly one other person), by that person's role. */
    oneOnOneHours: Type.Object(
      { reports: Hours, partners: Hours, others: Hours },
      { additionalProperties: false },
    ),
    /** Meetings with TEAM_MIN_OTHERS (3) or more other people. */
    teamMeetingHours: Hours,
    /** Meetings with two other people. */
    otherMeetingHours: Hours,
    /** All meetings with people, overlaps counted once: the people side of the split. */
    meetingHours: Hours,
    /** Free working time in stretches of at least the minimum focus block, plus focus events. */
    focusHours: Hours,
    /** The part of `focusHours` in stretches of DEEP_FOCUS_MINUTES (2 h) or more. */
    deepFocusHours: Hours,
    /** Free working time in pieces shorter than the minimum focus block. */
    fragmentedHours: Hours,
    /** Days with more than MEETING_HEAVY_DAY_HOURS (4 h) of meetings. */
    meetingHeavyDays: Type.Integer({ minimum: 0, maximum: 7 }),
    /** Meetings: 1:1s and every other meeting. */
    peopleHours: Hours,
    /** Focus plus the other (fragmented) free working time. */
    engineeringHours: Hours,
    /** `peopleHours` over people plus engineering; null for a week with neither. */
    peopleShare: Share,
    engineeringShare: Share,
  },
  { additionalProperties: false },
);
/** One week's balance between people and engineering. */
export type WeekInsights = Static<typeof WeekInsightsSchema>;

/** What one week's insights are computed from. */
export interface InsightsInput {
  /** The mirror's events overlapping the week (others are ignored). */
  readonly events: readonly CalendarEvent[];
  readonly week: WeekFrame;
  /** A clock for the user's zone covering the week. */
  readonly clock: ZoneClock;
  readonly preferences: Pick<Preferences, 'workingHours' | 'focus'>;
  /** Each counterpart's role (`detectRoles`). */
  readonly roles: ReadonlyMap<string, PersonRoleView>;
}

const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;
const share = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

/** An event's span: all-day events cover their dates in the user's zone, as the planner reads them. */
function spanOf(event: CalendarEvent, clock: ZoneClock): Interval {
  if (event.allDay) {
    return {
      start: clock.fromLocal(parseEpochDay(event.allDay.startDate) * DAY_MS),
      end: clock.fromLocal(parseEpochDay(event.allDay.endDate) * DAY_MS),
    };
  }
  return {
    start: Temporal.Instant.from(event.start).epochMilliseconds,
    end: Temporal.Instant.from(event.end).epochMilliseconds,
  };
}

type MeetingKind = 'reports' | 'partners' | 'others' | 'team' | 'other';

function meetingKind(event: CalendarEvent, roles: ReadonlyMap<string, PersonRoleView>): MeetingKind {
  const others = otherPeople(event);
  if (others.length >= TEAM_MIN_OTHERS) return 'team';
  if (others.length > 1) return 'other';
  const role = roleOf(roles, others[0]!.email);
  return role === 'report' ? 'reports' : role === 'partner' ? 'partners' : 'others';
}

/** Splits the user's busy time in the week into meetings (by kind), focus events and the rest. */
function readWeek(input: InsightsInput) {
  const { week, clock, roles } = input;
  const meetings = new Map<MeetingKind, Interval[]>();
  const focus: Interval[] = [];
  const otherBusy: Interval[] = [];
  for (const event of input.events) {
    if (!holdsUserTime(event)) continue;
    const span = clip([spanOf(event, clock)], week);
    if (span.length === 0) continue;
    const ours = event.tag?.kind === 'focusBlock';
    if (ours || event.eventType === 'focusTime') focus.push(...span);
    else if (!event.allDay && otherPeople(event).length > 0) {
      const kind = meetingKind(event, roles);
      meetings.set(kind, [...(meetings.get(kind) ?? []), ...span]);
    } else otherBusy.push(...span);
  }
  return { meetings, focus: union(focus), otherBusy };
}

/**
 * One week's balance. Free working time is the user's working hours less everything that holds their
 * time except focus events; a stretch of it at least `focus.minBlockMinutes` long counts as focus
 * (focus events count whatever their length and wherever they are), the shorter pieces as fragmented.
 */
export function weekInsights(input: InsightsInput): WeekInsights {
  const { week, clock, preferences } = input;
  const { meetings, focus, otherBusy } = readWeek(input);
  const kindMs = (kind: MeetingKind) => coveredMs(meetings.get(kind) ?? []);
  const allMeetings = union([...meetings.values()].flat());
  const meetingMs = coveredMs(allMeetings);

  const working = workingWindows(clock, preferences.workingHours, week);
  const free = subtract(working, [...allMeetings, ...otherBusy]);
  const minBlockMs = preferences.focus.minBlockMinutes * MINUTE_MS;
  const long = free.filter((piece) => piece.end - piece.start >= minBlockMs);
  const short = free.filter((piece) => piece.end - piece.start < minBlockMs);
  const focusStretches = union([...long, ...focus]);
  const focusMs = coveredMs(focusStretches);
  const deepMs = coveredMs(focusStretches.filter((s) => s.end - s.start >= DEEP_FOCUS_MINUTES * MINUTE_MS));
  const fragmentedMs = coveredMs(subtract(short, focusStretches));
  const engineeringMs = focusMs + fragmentedMs;
  const heavyDays = week.days.filter(
    (day) => coveredMs(clip(allMeetings, day)) > MEETING_HEAVY_DAY_HOURS * HOUR_MS,
  ).length;
  return {
    oneOnOneHours: {
      reports: hours(kindMs('reports')),
      partners: hours(kindMs('partners')),
      others: hours(kindMs('others')),
    },
    teamMeetingHours: hours(kindMs('team')),
    otherMeetingHours: hours(kindMs('other')),
    meetingHours: hours(meetingMs),
    focusHours: hours(focusMs),
    deepFocusHours: hours(deepMs),
    fragmentedHours: hours(fragmentedMs),
    meetingHeavyDays: heavyDays,
    peopleHours: hours(meetingMs),
    engineeringHours: hours(engineeringMs),
    peopleShare: share(meetingMs, meetingMs + engineeringMs),
    engineeringShare: share(engineeringMs, meetingMs + engineeringMs),
  };
}

/**
 * The balance history's weeks around the current one: the last twelve (the current week and the
 * eleven before it) and the two after it.
 */
export const BALANCE_WEEKS = { back: 11, ahead: 2 } as const;

/**
 * The weeks of the balance history in the user's zone, each starting on their `weekStartsOn`, oldest
 * first; `offset` 0 is the week containing `now`.
 */
export function balanceWeeks(
  zone: string,
  now: number,
  preferences: Pick<Preferences, 'weekStartsOn' | 'firstHalf'>,
): { clock: ZoneClock; weeks: { offset: number; frame: WeekFrame }[] } {
  const { back, ahead } = BALANCE_WEEKS;
  const clock = ZoneClock.create(zone, now - (back * 7 + 8) * DAY_MS, now + (ahead * 7 + 15) * DAY_MS);
  const current = weekStartDay(clock, now, preferences.weekStartsOn);
  const weeks = [];
  for (let offset = -back; offset <= ahead; offset++)
    weeks.push({ offset, frame: weekFrame(clock, current + 7 * offset, preferences) });
  return { clock, weeks };
}
