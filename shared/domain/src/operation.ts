import Type, { type Static } from 'typebox';
import {
  EmailAddress,
  InstantString,
  IsoWeekday,
  LocalTimeString,
  PlainDateString,
  TimeRangeSchema,
  ZoneName,
} from './primitives.js';
import { FocusAutoDeclineSchema, FocusChatStatusSchema } from './preferences.js';

// Fields every operation carries. `key` is derived from the target and the desired state, so the
// ledger can use it as the idempotency key; `emails` lists who the provider would notify.
const common = {
  key: Type.String({ minLength: 1 }),
  eventId: Type.String({ minLength: 1 }),
  reason: Type.String({ minLength: 1 }),
  emails: Type.Array(EmailAddress),
};
const etag = Type.Optional(Type.String());
/** The event's title, so a person reads which event an operation changes. */
const title = Type.Optional(Type.String({ maxLength: 2000 }));
/** The counterpart's name as the provider gives it, when it gives one (else the page shows the address). */
const counterpartName = Type.Optional(Type.String({ maxLength: 500 }));

/**
 * Move a recurring 1:1 for good: from the occurrence originally at `fromOriginalStart` onwards, the
 * series meets on `weekday` at `startTime` in `zone`. `eventId` is that first occurrence, `before`/`after`
 * its slot. A series with earlier occurrences is split ("this and following", see `split`); one without
 * is patched whole.
 */
export const MoveSeriesSchema = Type.Object(
  {
    kind: Type.Literal('moveSeries'),
    ...common,
    seriesId: Type.String({ minLength: 1 }),
    etag,
    fromOriginalStart: InstantString,
    weekday: IsoWeekday,
    startTime: LocalTimeString,
    durationMinutes: Type.Integer({ minimum: 1 }),
    zone: ZoneName,
    title,
    counterpart: EmailAddress,
    counterpartName,
    before: TimeRangeSchema,
    after: TimeRangeSchema,
    /**
     * The series met before `fromOriginalStart`: it is split (ended just before, continued as a new
     * series at the new time) so those occurrences keep their times; two emails. Otherwise the whole
     * series moves; one email.
     */
    split: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Move one event (a single 1:1 or one occurrence of a series) to `after`. */
export const MoveOccurrenceSchema = Type.Object(
  {
    kind: Type.Literal('moveOccurrence'),
    ...common,
    seriesId: Type.Optional(Type.String({ minLength: 1 })),
    etag,
    title,
    counterpart: EmailAddress,
    counterpartName,
    before: TimeRangeSchema,
    after: TimeRangeSchema,
  },
  { additionalProperties: false },
);

/**
 * Create a tagged focus block; `eventId` is chosen by us (a Google client id, a Graph transactionId).
 * `autoDecline` and `chatStatus` are the user's focus preferences when the plan was made, for Google
 * focus time; absent (plans made before them, or the defaults) means `none` and `available`.
 */
export const CreateFocusBlockSchema = Type.Object(
  {
    kind: Type.Literal('createFocusBlock'),
    ...common,
    title: Type.String({ minLength: 1 }),
    zone: ZoneName,
    after: TimeRangeSchema,
    autoDecline: Type.Optional(FocusAutoDeclineSchema),
    chatStatus: Type.Optional(FocusChatStatusSchema),
  },
  { additionalProperties: false },
);

/** Re-place one of our focus blocks. */
export const UpdateFocusBlockSchema = Type.Object(
  {
    kind: Type.Literal('updateFocusBlock'),
    ...common,
    etag,
    title,
    before: TimeRangeSchema,
    after: TimeRangeSchema,
  },
  { additionalProperties: false },
);

/** Delete one of our focus blocks. */
export const DeleteFocusBlockSchema = Type.Object(
  { kind: Type.Literal('deleteFocusBlock'), ...common, etag, title, before: TimeRangeSchema },
  { additionalProperties: false },
);

/** Cancel one occurrence of a 1:1 series (never the series) for a skip week, sending `message`. */
export const CancelOccurrenceSchema = Type.Object(
  {
    kind: Type.Literal('cancelOccurrence'),
    ...common,
    seriesId: Type.String({ minLength: 1 }),
    etag,
    title,
    counterpart: EmailAddress,
    counterpartName,
    message: Type.String({ minLength: 1 }),
    /**
     * The check-in drafted for this person for the skip week (their first cancellation of the week
     * carries it): the user sends it over chat; Frontload does not send it by itself yet.
     */
    checkIn: Type.Optional(Type.String({ minLength: 1 })),
    /** First day of the skip week this cancellation belongs to; the ledger records it as the last skip week. */
    skipWeek: PlainDateString,
    before: TimeRangeSchema,
  },
  { additionalProperties: false },
);

/** One intended change to the user's calendar, as stored in the plan and the ledger. */
export const OperationSchema = Type.Union([
  MoveSeriesSchema,
  MoveOccurrenceSchema,
  CreateFocusBlockSchema,
  UpdateFocusBlockSchema,
  DeleteFocusBlockSchema,
  CancelOccurrenceSchema,
]);
/** One intended change to the user's calendar. */
export type Operation = Static<typeof OperationSchema>;
/** The kinds of operation. */
export type OperationKind = Operation['kind'];
/** Move a recurring 1:1 for good. */
export type MoveSeries = Static<typeof MoveSeriesSchema>;
/** Move one event. */
export type MoveOccurrence = Static<typeof MoveOccurrenceSchema>;
/** Create a focus block. */
export type CreateFocusBlock = Static<typeof CreateFocusBlockSchema>;
/** Re-place a focus block. */
export type UpdateFocusBlock = Static<typeof UpdateFocusBlockSchema>;
/** Delete a focus block. */
export type DeleteFocusBlock = Static<typeof DeleteFocusBlockSchema>;
/** Cancel one occurrence for a skip week. */
export type CancelOccurrence = Static<typeof CancelOccurrenceSchema>;

/** Why something was left alone (or what the user should know). */
export const NoteCodeSchema = Type.Enum([
  'organizedByOther',
  'insideFreezeWindow',
  'markedFixed',
  'externalGuest',
  'noFreeSlot',
  'availabilityUnknown',
  'possibleDuplicate',
  'noCounterpart',
  'skipWeek',
  'skipWeekKept',
  'focusShortfall',
  'focusDeletedByUser',
  'blastRadius',
  'fewReports',
]);
/** Why something was left alone. */
export type NoteCode = Static<typeof NoteCodeSchema>;

/** A sentence for the preview: what was left alone and why. */
export const PlanNoteSchema = Type.Object(
  {
    code: NoteCodeSchema,
    message: Type.String({ minLength: 1 }),
    eventId: Type.Optional(Type.String()),
    seriesId: Type.Optional(Type.String()),
    email: Type.Optional(EmailAddress),
    /** First day of the week the note is about. */
    week: Type.Optional(PlainDateString),
  },
  { additionalProperties: false },
);
/** A sentence for the preview. */
export type PlanNote = Static<typeof PlanNoteSchema>;
