import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { IsoWeekday, LocalTimeString, PlainDateString } from './primitives.js';
import { DEFAULT_NOT_SEEN_CHECK_IN } from './check-in.js';

/** Working hours: the same wall-clock span on each listed weekday. Overnight spans are not supported. */
export const WorkingHoursSchema = Type.Object(
  {
    start: LocalTimeString,
    end: LocalTimeString,
    days: Type.Array(IsoWeekday, { minItems: 1, maxItems: 7, uniqueItems: true }),
  },
  { additionalProperties: false },
);
/** Working hours on each listed weekday. */
export type WorkingHours = Static<typeof WorkingHoursSchema>;

/** Focus lengths live on the planner's 15-minute grid. */
const focusMinutes = Type.Integer({ minimum: 15, maximum: 720, multipleOf: 15 });

/**
 * Which invitations over a focus block the calendar declines by itself (Google focus time's
 * `autoDeclineMode`, PROVIDERS.md §4): none, only those that arrive after the block exists, or every
 * conflicting one (those already there too).
 */
export const FocusAutoDeclineSchema = Type.Enum(['none', 'new', 'all']);
export type FocusAutoDecline = Static<typeof FocusAutoDeclineSchema>;
/** The user's Google Chat status during a focus block (Google focus time's `chatStatus`). */
export const FocusChatStatusSchema = Type.Enum(['available', 'doNotDisturb']);
export type FocusChatStatus = Static<typeof FocusChatStatusSchema>;

/**
 * Everything a user can tune about planning. See ARCHITECTURE "Planner defaults" for the meaning;
 * `DEFAULT_PREFERENCES` holds the defaults. Cross-field rules (first half not empty, focus target fits
 * the second half, min ≤ max) are checked at the planner boundary.
 */
export const PreferencesSchema = Type.Object(
  {
    /** ISO weekday the week starts on, in the user's zone. */
    weekStartsOn: IsoWeekday,
    /** The user's working hours (from Graph mailbox settings, or set by hand for Google). */
    workingHours: WorkingHoursSchema,
    /** The first half runs from the start of the week until this weekday and time. */
    firstHalf: Type.Object(
      { endWeekday: IsoWeekday, endTime: LocalTimeString },
      { additionalProperties: false },
    ),
    focus: Type.Object(
      {
        enabled: Type.Boolean(),
        targetHours: Type.Number({ minimum: 0, maximum: 60 }),
        minBlockMinutes: focusMinutes,
        maxBlockMinutes: focusMinutes,
        title: Type.String({ minLength: 1, maxLength: 200 }),
        /**
         * Google: conflicting invitations the calendar declines over a focus block. Optional so
         * documents stored before it still pass: absent means the default (`none`).
         */
        autoDecline: Type.Optional(FocusAutoDeclineSchema),
        /** Google: the Chat status during a focus block. Optional likewise; absent means `available`. */
        chatStatus: Type.Optional(FocusChatStatusSchema),
      },
      { additionalProperties: false },
    ),
    oneOnOnes: Type.Object(
      {
        /** Longer meetings are never 1:1s. */
        maxMinutes: Type.Integer({ minimum: 15, maximum: 240 }),
        /** Treat 1:1s with people outside `internalDomains` as 1:1s too. */
        allowExternal: Type.Boolean(),
        /** Domains counted as colleagues; empty means the domain of the user's own address. */
        internalDomains: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 50 }),
        /** Preferred gap between two 1:1s, kept where possible. */
        breakMinutes: Type.Integer({ minimum: 0, maximum: 60 }),
        /**
         * Most hours of meetings on one day: a 1:1 is never moved onto a day that it would take past
         * this. Absent: no cap.
         */
        dailyMeetingCapHours: Type.Optional(Type.Number({ minimum: 1, maximum: 16, multipleOf: 0.5 })),
      },
      { additionalProperties: false },
    ),
    /** Nothing starting sooner than this is moved or cancelled, and nothing is moved into it. */
    freezeWindowHours: Type.Number({ minimum: 0, maximum: 168 }),
    skipWeeks: Type.Object(
      {
        enabled: Type.Boolean(),
        /** Cadence window, counted in weeks after the last skip week. */
        minWeeks: Type.Integer({ minimum: 2, maximum: 26 }),
        maxWeeks: Type.Integer({ minimum: 2, maximum: 26 }),
        /** Nobody goes longer than this without a held 1:1 because of a skip. */
        maxGapDays: Type.Integer({ minimum: 7, maximum: 60 }),
        /** Sent to the counterpart with each cancelled occurrence. */
        message: Type.String({ minLength: 1, maxLength: 2000 }),
        /**
         * The asynchronous check-in drafted for each person whose 1:1 is skipped: `{name}` becomes
         * their first name, `{meeting}` the 1:1's title. Absent: the default below.
         */
        checkIn: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
        /**
         * The user's last skip week before Frontload (any day of that week), so an existing cadence
         * carries on. Frontload's own applied skip weeks count from then on, whichever is later.
         */
        lastSkipWeek: Type.Optional(Type.Union([PlainDateString, Type.Null()])),
      },
      { additionalProperties: false },
    ),
    /**
     * How the page shows clock times: `12h` (4:00 PM) or `24h` (16:00). Absent: the convention of the
     * browser's locale. Dates always follow the locale.
     */
    timeFormat: Type.Optional(Type.Enum(['12h', '24h'])),
    /**
     * A report or partner not met for this many days is marked in People and raises
     * `people.not_seen`. Optional so documents stored before it still pass: absent means the default.
     * At most the eight weeks the mirror is read back for it (NOT_SEEN_LOOKBACK_DAYS).
     */
    notSeenDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 56 })),
    /**
     * The check-in drafted for a report or partner past `notSeenDays` (`{name}`: their first name).
     * Optional so documents stored before it still pass: absent means the default.
     */
    notSeenCheckIn: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    /**
     * The share (0–1) of people time (meetings) in people plus engineering time the user aims for:
     * the target line of the balance history. Optional so documents stored before it still pass.
     */
    targetPeopleShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** A run that changes more events than this stops and asks the user. */
    blastRadius: Type.Integer({ minimum: 1, maximum: 500 }),
    /** Overload thresholds; crossing one flags the week in its metrics. */
    overload: Type.Object(
      {
        maxMeetingHours: Type.Number({ minimum: 0, maximum: 168 }),
        /** Focus achieved below this share of the target flags the week. */
        minFocusShare: Type.Number({ minimum: 0, maximum: 1 }),
        /** More people than this with recurring 1:1s flags the week (three to five is sustainable). */
        maxPeopleWithOneOnOnes: Type.Integer({ minimum: 0, maximum: 100 }),
        maxBackToBackMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
        /** Meetings closer than this count as back to back. */
        backToBackGapMinutes: Type.Integer({ minimum: 0, maximum: 30 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
/** Everything a user can tune about planning. */
export type Preferences = Static<typeof PreferencesSchema>;

/** The defaults of ARCHITECTURE "Planner defaults". Frozen: copy it to change a value. */
export const DEFAULT_PREFERENCES: Preferences = deepFreeze({
  weekStartsOn: 1,
  workingHours: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  firstHalf: { endWeekday: 3, endTime: '12:00' },
  focus: {
    enabled: true,
    targetHours: 10,
    minBlockMinutes: 90,
    maxBlockMinutes: 240,
    title: 'Focus time',
    autoDecline: 'none',
    chatStatus: 'available',
  },
  oneOnOnes: { maxMinutes: 60, allowExternal: false, internalDomains: [], breakMinutes: 10 },
  freezeWindowHours: 24,
  skipWeeks: {
    enabled: true,
    minWeeks: 5,
    maxWeeks: 6,
    maxGapDays: 21,
    message: 'Skip week: no 1:1 this week so we both get a breather. See you at the next one!',
    checkIn:
      'Hi {name}, it is a skip week, so no "{meeting}" this week. How are things going? If anything is on your mind, reply here or grab time on my calendar: I will make time.',
    lastSkipWeek: null,
  },
  notSeenDays: 14,
  notSeenCheckIn: DEFAULT_NOT_SEEN_CHECK_IN,
  targetPeopleShare: 0.5,
  blastRadius: 20,
  overload: {
    maxMeetingHours: 20,
    minFocusShare: 0.5,
    maxPeopleWithOneOnOnes: 5,
    maxBackToBackMinutes: 180,
    backToBackGapMinutes: 5,
  },
});

/** The not-seen threshold in days: the user's, else the default (14). */
export function notSeenThreshold(prefs: Preferences): number {
  return prefs.notSeenDays ?? DEFAULT_PREFERENCES.notSeenDays ?? 14;
}

/**
 * Stored preferences as every reader takes them: the stored document when it passes the schema, else
 * a fresh copy of the defaults (nothing stored yet, or a document written under an older schema).
 */
export function storedPreferences(data: unknown): Preferences {
  if (data === undefined || !Value.Check(PreferencesSchema, data))
    return structuredClone(DEFAULT_PREFERENCES);
  // Settings added since the document was stored read as their defaults.
  return {
    targetPeopleShare: DEFAULT_PREFERENCES.targetPeopleShare,
    notSeenCheckIn: DEFAULT_PREFERENCES.notSeenCheckIn,
    ...data,
    focus: {
      autoDecline: DEFAULT_PREFERENCES.focus.autoDecline,
      chatStatus: DEFAULT_PREFERENCES.focus.chatStatus,
      ...data.focus,
    },
    skipWeeks: { checkIn: DEFAULT_PREFERENCES.skipWeeks.checkIn, ...data.skipWeeks },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
