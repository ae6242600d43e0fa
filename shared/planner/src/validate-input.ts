import {
  isKnownZone,
  parseEpochDay,
  parseInstant,
  type CalendarEvent,
  type Interval,
} from '@frontload/domain';
import { Compile } from 'typebox/compile';
import { checkPreferences } from './check-preferences.js';
import { PlannerInputSchema, type InputIssue, type PlannerInput } from './input.js';

const validator = Compile(PlannerInputSchema);
const MAX_ISSUES = 20;

/** Schema errors as path + message, with unknown properties named (a typo must not pass silently). */
function schemaIssues(input: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const error of validator.Errors(input)) {
    // TypeBox reports an unknown property twice: as "schema is false" on it and on its parent object.
    if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) continue;
    const path = error.instancePath === '' ? '/' : error.instancePath;
    const message =
      error.keyword === 'additionalProperties'
        ? `unknown propert${error.params.additionalProperties.length === 1 ? 'y' : 'ies'} ${error.params.additionalProperties.map((p) => `"${p}"`).join(', ')}`
        : error.message;
    const line = `${path}: ${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    issues.push({ path, message });
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

/** An instant, or undefined when the text is not one (the Checker then reports why). */
function parseQuietly(text: string): number | undefined {
  try {
    return parseInstant(text);
  } catch (error) {
    // Only a parse failure means "not an instant"; anything else is a real fault.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * Collects semantic issues; remembers which zones exist so each is looked up once. Paths come as a
 * base and a field and are joined only for an issue: most inputs have none, and this runs per event.
 */
class Checker {
  readonly issues: InputIssue[] = [];
  private readonly zones = new Map<string, boolean>();

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  zone(base: string, field: string, zone: string): void {
    let known = this.zones.get(zone);
    if (known === undefined) {
      known = isKnownZone(zone);
      this.zones.set(zone, known);
    }
    if (!known) {
      this.add(
        `${base}${field}`,
        `unknown time zone "${zone}" (expected an IANA name such as Europe/Berlin)`,
      );
    }
  }

  instant(base: string, field: string, text: string): number | undefined {
    try {
      return parseInstant(text);
    } catch (error) {
      this.add(`${base}${field}`, `not an instant: ${error instanceof Error ? error.message : String(text)}`);
      return undefined;
    }
  }

  date(base: string, field: string, text: string): number | undefined {
    try {
      return parseEpochDay(text);
    } catch (error) {
      this.add(`${base}${field}`, error instanceof Error ? error.message : `not a date: ${text}`);
      return undefined;
    }
  }

  /** `[start, end)` at `base` (or at `base/index` for an item of a list). */
  range(base: string, start: string, end: string, index?: number): Interval {
    const from = parseQuietly(start);
    const to = parseQuietly(end);
    if (from === undefined || to === undefined || to < from) {
      const at = index === undefined ? base : `${base}/${index}`;
      this.instant(at, '/start', start);
      this.instant(at, '/end', end);
      if (from !== undefined && to !== undefined)
        this.add(`${at}/end`, `ends before it starts (${start} → ${end})`);
    }
    return { start: from ?? NaN, end: to ?? NaN };
  }
}

/**
 * The instants of a valid input, parsed once while validating and handed to the planner, which would
 * otherwise parse every one of them again (parsing is a sizeable share of a plan).
 */
export interface ParsedTimes {
  readonly now: number;
  /** Per input event, in input order. */
  readonly events: readonly (Interval & { readonly originalStart: number | undefined })[];
  /** Per input counterpart, in input order. */
  readonly busy: readonly (readonly Interval[])[];
  readonly lastHeld: readonly number[];
  readonly deleted: readonly Interval[];
  /** Busy time on the user's other calendars. */
  readonly otherBusy: readonly Interval[];
}

function checkEvent(check: Checker, event: CalendarEvent, path: string): ParsedTimes['events'][number] {
  const span = check.range(path, event.start, event.end);
  let originalStart: number | undefined;
  check.zone(path, '/zone', event.zone);
  if (event.allDay) {
    const first = check.date(path, '/allDay/startDate', event.allDay.startDate);
    const last = check.date(path, '/allDay/endDate', event.allDay.endDate);
    if (first !== undefined && last !== undefined && last <= first) {
      check.add(
        `${path}/allDay/endDate`,
        'an all-day event must end on a later date than it starts (the end date is exclusive)',
      );
    }
  }
  if (event.kind === 'occurrence') {
    if (event.seriesId === undefined)
      check.add(`${path}/seriesId`, 'an occurrence needs the id of its series');
    if (event.originalStart === undefined)
      check.add(`${path}/originalStart`, 'an occurrence needs its original start');
    else originalStart = check.instant(path, '/originalStart', event.originalStart);
  } else if (event.originalStart !== undefined) {
    originalStart = check.instant(path, '/originalStart', event.originalStart);
  }
  let selves = 0;
  for (const a of event.attendees) if (a.self === true) selves++;
  if (selves > 1) {
    check.add(`${path}/attendees`, 'more than one attendee is marked as the user (self)');
  }
  return { start: span.start, end: span.end, originalStart };
}

function checkEvents(check: Checker, events: readonly CalendarEvent[]): ParsedTimes['events'] {
  const ids = new Map<string, number>();
  const slots = new Map<string, number>();
  return events.map((event, i) => {
    const path = `/events/${i}`;
    const times = checkEvent(check, event, path);
    const twin = ids.get(event.id);
    if (twin !== undefined)
      check.add(`${path}/id`, `duplicate event id "${event.id}" (also /events/${twin})`);
    else ids.set(event.id, i);
    if (event.kind === 'occurrence' && event.seriesId !== undefined && times.originalStart !== undefined) {
      const slot = `${event.seriesId}\u0000${times.originalStart}`;
      const same = slots.get(slot);
      if (same !== undefined)
        check.add(
          path,
          `the same occurrence of series "${event.seriesId}" appears twice (also /events/${same})`,
        );
      else slots.set(slot, i);
    }
    return times;
  });
}

function checkUnique(check: Checker, path: string, emails: readonly string[]): void {
  const seen = new Map<string, number>();
  emails.forEach((email, i) => {
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      check.add(`${path}/${i}/email`, `${email} is listed twice (also ${path}/${first})`);
    else seen.set(key, i);
  });
}

function checkSemantics(input: PlannerInput): { issues: InputIssue[]; times: ParsedTimes } {
  const check = new Checker();
  check.zone('', '/zone', input.zone);
  const now = check.instant('', '/now', input.now) ?? NaN;
  for (const issue of checkPreferences(input.preferences)) check.add(issue.path, issue.message);
  const events = checkEvents(check, input.events);
  checkUnique(
    check,
    '/people',
    input.people.map((p) => p.email),
  );
  checkUnique(
    check,
    '/counterparts',
    input.counterparts.map((c) => c.email),
  );
  const busy = input.counterparts.map((c, i) => {
    if (c.zone !== undefined) check.zone(`/counterparts/${i}`, '/zone', c.zone);
    if (c.workingHours && c.workingHours.end <= c.workingHours.start) {
      check.add(`/counterparts/${i}/workingHours/end`, 'working hours must end after they start');
    }
    return c.busy.map((b, j) => check.range(`/counterparts/${i}/busy`, b.start, b.end, j));
  });
  const { history } = input;
  if (history.lastSkipWeek !== null) check.date('/history', '/lastSkipWeek', history.lastSkipWeek);
  const lastHeld = history.lastHeldOneOnOnes.map(
    (h, i) => check.instant(`/history/lastHeldOneOnOnes/${i}`, '/at', h.at) ?? NaN,
  );
  const deleted = history.deletedFocusBlocks.map((b, i) =>
    check.range('/history/deletedFocusBlocks', b.start, b.end, i),
  );
  const otherBusy = (input.otherCalendarsBusy ?? []).map((b, i) =>
    check.range('/otherCalendarsBusy', b.start, b.end, i),
  );
  return {
    issues: check.issues.slice(0, MAX_ISSUES),
    times: { now, events, busy, lastHeld, deleted, otherBusy },
  };
}

/** Like `validateInput`, and also hands back the instants it parsed, for the planner to reuse. */
export function checkInput(
  input: unknown,
):
  | { readonly ok: true; readonly input: PlannerInput; readonly times: ParsedTimes }
  | { readonly ok: false; readonly errors: InputIssue[] } {
  if (!validator.Check(input)) return { ok: false, errors: schemaIssues(input) };
  const { issues, times } = checkSemantics(input);
  return issues.length > 0 ? { ok: false, errors: issues } : { ok: true, input, times };
}

/**
 * Checks a planner input at the boundary: the schema first, then what a schema cannot say (zones exist,
 * events end after they start, ids are unique, preferences make sense). Never throws for bad input.
 */
export function validateInput(
  input: unknown,
):
  | { readonly ok: true; readonly input: PlannerInput }
  | { readonly ok: false; readonly errors: InputIssue[] } {
  const checked = checkInput(input);
  return checked.ok ? { ok: true, input: checked.input } : checked;
}
