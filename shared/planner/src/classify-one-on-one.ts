import {
  DEFAULT_PREFERENCES,
  HOUR_MS,
  MINUTE_MS,
  otherPeople,
  parseInstant,
  selfAttendee,
  type CalendarEvent,
  type PersonSettings,
  type Preferences,
} from '@frontload/domain';
import type { Temporal } from 'temporal-polyfill';
import { internalDomains } from './detect-roles.js';

/** What the classifier needs besides the event. */
export interface ClassifierContext {
  readonly now: Temporal.Instant;
  readonly userEmail: string;
  readonly preferences?: Preferences;
  readonly people?: readonly PersonSettings[];
  /** Event or series ids the user moved themselves after Frontload moved them (or proposed to). */
  readonly userOverrides?: readonly string[];
}

/** Stable names for each reason, for the settings page and tests. */
export type ReasonCode =
  | 'cancelled'
  | 'allDay'
  | 'notAMeeting'
  | 'createdByFrontload'
  | 'declined'
  | 'twoPeople'
  | 'noOtherPerson'
  | 'groupMeeting'
  | 'shortEnough'
  | 'tooLong'
  | 'recurring'
  | 'titleMarker'
  | 'onPeopleList'
  | 'noOneOnOneSignal'
  | 'externalGuest'
  | 'externalAllowed'
  | 'notOneOnOne'
  | 'organizerIsSelf'
  | 'organizedByOther'
  | 'markedFixed'
  | 'userOverride'
  | 'seriesMaster'
  | 'alreadyStarted'
  | 'insideFreezeWindow'
  | 'afterFreezeWindow';

/** One step of the explanation; `ok: false` is a reason against (not a 1:1, or not movable). */
export interface VerdictReason {
  readonly code: ReasonCode;
  readonly ok: boolean;
  readonly message: string;
}

/** The classifier's answer, with an explanation for every verdict. */
export interface OneOnOneVerdict {
  readonly isOneOnOne: boolean;
  readonly movable: boolean;
  /** The other person's address (lower case) when the event has exactly one. */
  readonly counterpart: string | null;
  /** Reasons about being a 1:1 first, then about being movable. */
  readonly reasons: readonly VerdictReason[];
}

// "1:1", "1-1", "1on1", "1 on 1", "one-on-one", or "<>" (as in "Ann <> Bob"); not "Q1-1" or "2024-1-1".
const TITLE_MARKER = /(?<![\w:-])(?:1\s?[:-]\s?1|1\s?on\s?1|one[\s-]on[\s-]one)(?![\w:-])|<>/i;

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

function describeDelay(ms: number): string {
  const hours = ms / HOUR_MS;
  return hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} days`;
}

/**
 * Decides, for many events, whether each is a 1:1 and whether Frontload may move it. `minutes` is the
 * event's length when the caller has already parsed its instants.
 */
export type Classifier = (event: CalendarEvent, minutes?: number) => OneOnOneVerdict;

/** The context with its lists turned into lookups, once per classifier. */
interface Resolved {
  readonly prefs: Preferences;
  readonly people: ReadonlyMap<string, PersonSettings>;
  readonly overrides: ReadonlySet<string>;
  readonly internalDomains: ReadonlySet<string>;
  readonly now: number;
}

/** Collects the reasons of one verdict. */
class Reasons {
  readonly list: VerdictReason[] = [];
  against(code: ReasonCode, message: string): void {
    this.list.push({ code, ok: false, message });
  }
  supports(code: ReasonCode, message: string): void {
    this.list.push({ code, ok: true, message });
  }
}

/** A guest as text: their name where the provider gave one, else their address. */
function guestName(event: CalendarEvent, email: string): string {
  const wanted = email.toLowerCase();
  return event.attendees.find((a) => a.email.toLowerCase() === wanted)?.name?.trim() || email;
}

function participantReasons(r: Resolved, event: CalendarEvent, say: Reasons): string | null {
  const others = otherPeople(event);
  const other = others.length === 1 ? (others[0]?.email.toLowerCase() ?? null) : null;
  if (others.length === 0) say.against('noOtherPerson', 'Nobody else is invited.');
  else if (other === null)
    say.against('groupMeeting', `${others.length} other people are invited; a 1:1 has one.`);
  else
    say.supports(
      'twoPeople',
      `You and ${guestName(event, other)} are the only people invited (rooms and resources do not count).`,
    );
  if (other !== null && !r.internalDomains.has(domainOf(other))) {
    if (r.prefs.oneOnOnes.allowExternal || r.people.get(other)?.allowExternal) {
      say.supports('externalAllowed', `${guestName(event, other)} is external, which you allow.`);
    } else {
      say.against(
        'externalGuest',
        `${guestName(event, other)} is outside your organisation; external guests are not treated as 1:1s.`,
      );
    }
  }
  return other;
}

function oneOnOneReasons(
  r: Resolved,
  event: CalendarEvent,
  length: number | undefined,
  say: Reasons,
): string | null {
  if (event.status === 'cancelled') say.against('cancelled', 'The event is cancelled.');
  if (event.allDay) say.against('allDay', 'All-day events are never 1:1s.');
  if (event.tag) say.against('createdByFrontload', 'Frontload created this event (a focus block).');
  else if (event.eventType !== 'default')
    say.against('notAMeeting', `It is a ${event.eventType} entry, not a meeting.`);
  if (selfAttendee(event)?.responseStatus === 'declined') say.against('declined', 'You declined it.');
  const other = participantReasons(r, event, say);
  // Most events fail here (group meetings, personal time): their reasons are complete without the
  // finer checks, which keeps classifying a whole calendar cheap. A 1:1 title with nobody invited is
  // still worth saying, so the preview can point at it.
  if (other === null || !say.list.every((reason) => reason.ok)) {
    if (other === null && TITLE_MARKER.test(event.title)) {
      say.supports('titleMarker', `The title "${event.title}" marks it as a 1:1.`);
    }
    return other;
  }

  const minutes = Math.round(length ?? (parseInstant(event.end) - parseInstant(event.start)) / MINUTE_MS);
  const limit = r.prefs.oneOnOnes.maxMinutes;
  if (minutes > limit)
    say.against('tooLong', `${minutes} minutes is longer than the ${limit}-minute limit for 1:1s.`);
  else say.supports('shortEnough', `${minutes} minutes fits the ${limit}-minute limit for 1:1s.`);

  const person = other === null ? undefined : r.people.get(other);
  const recurring = event.kind !== 'single';
  const marked = TITLE_MARKER.test(event.title);
  if (recurring) say.supports('recurring', 'It repeats.');
  if (marked) say.supports('titleMarker', `The title "${event.title}" marks it as a 1:1.`);
  if (person) say.supports('onPeopleList', `${guestName(event, person.email)} is on your people list.`);
  if (!recurring && !marked && !person) {
    say.against(
      'noOneOnOneSignal',
      'It does not repeat, has no 1:1 marker in its title and the other person is not on your people list.',
    );
  }
  return other;
}

function movableReasons(r: Resolved, event: CalendarEvent, counterpart: string, say: Reasons): void {
  if (event.organizerIsSelf) say.supports('organizerIsSelf', 'You organize it.');
  else
    say.against(
      'organizedByOther',
      `${event.organizerEmail ? guestName(event, event.organizerEmail) : 'Someone else'} organizes it; Frontload only moves 1:1s you organize.`,
    );
  if (r.people.get(counterpart)?.fixed)
    say.against('markedFixed', `You marked 1:1s with ${guestName(event, counterpart)} as fixed.`);
  if (r.overrides.has(event.id) || (event.seriesId !== undefined && r.overrides.has(event.seriesId))) {
    say.against(
      'userOverride',
      'You moved it yourself after Frontload moved it (or proposed to), so it stays where you put it until you let Frontload manage it again on People.',
    );
  }
  if (event.kind === 'series') {
    say.supports('seriesMaster', 'A series moves from its next movable occurrence on.');
    return;
  }
  const startsIn = parseInstant(event.start) - r.now;
  const freezeHours = r.prefs.freezeWindowHours;
  if (startsIn < 0) say.against('alreadyStarted', 'It has already started.');
  else if (startsIn < freezeHours * HOUR_MS) {
    say.against(
      'insideFreezeWindow',
      `It starts in ${describeDelay(startsIn)}, inside the ${freezeHours} h freeze window.`,
    );
  } else {
    say.supports('afterFreezeWindow', `It starts in ${describeDelay(startsIn)}, after the freeze window.`);
  }
}

/** A classifier bound to one context (preferences, people and now are read once). */
export function createClassifier(ctx: ClassifierContext): Classifier {
  const prefs = ctx.preferences ?? DEFAULT_PREFERENCES;
  const resolved: Resolved = {
    prefs,
    people: new Map((ctx.people ?? []).map((p) => [p.email.toLowerCase(), p])),
    overrides: new Set(ctx.userOverrides ?? []),
    internalDomains: internalDomains(ctx.userEmail, prefs),
    now: ctx.now.epochMilliseconds,
  };
  return (event, minutes) => {
    const say = new Reasons();
    const reasons = say.list;
    const counterpart = oneOnOneReasons(resolved, event, minutes, say);
    if (counterpart === null || !reasons.every((reason) => reason.ok)) {
      say.against('notOneOnOne', 'Only 1:1s are moved.');
      return { isOneOnOne: false, movable: false, counterpart, reasons };
    }
    const before = reasons.length;
    movableReasons(resolved, event, counterpart, say);
    const movable = reasons.slice(before).every((reason) => reason.ok);
    return { isOneOnOne: true, movable, counterpart, reasons };
  };
}

/**
 * Is `event` a 1:1 (the user and exactly one other person, rooms excluded, not declined, at most 60
 * minutes, not all-day; recurring, marked by title, or with someone on the people list; external guests
 * only when allowed), and may Frontload move it (the user organizes it, it is not fixed, it starts after
 * the freeze window)? Every verdict comes with its reasons.
 */
export function classifyOneOnOne(event: CalendarEvent, ctx: ClassifierContext): OneOnOneVerdict {
  return createClassifier(ctx)(event);
}
