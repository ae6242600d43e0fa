/**
 * POST /me/calendar/getSchedule (PROVIDERS.md §5, M-GETSCHED, M-FREEBUSY): free/busy of sandbox
 * Microsoft mailboxes with their working hours, rendered in the request's time zone. Limits are the
 * documented ones (20 schedules, under 42 days); the error codes are the ones Exchange answers when a
 * limit is exceeded (ErrorMailboxDataArrayTooBig, ErrorTimeIntervalTooBig; microsoft-graph-docs #7047,
 * #19703 — which also report that production tolerates more than the documented limits).
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { requirePermission } from './auth.js';
import { graphBase, sendGraph, type MicrosoftContext } from './context.js';
import { GraphError } from './errors.js';
import { zoneOf } from './event-input.js';
import { DateTimeTimeZoneSchema } from './event-schema.js';
import { workingHoursOf } from './me-routes.js';
import type { EventView, ShowAs } from './model.js';
import { dateTimeTimeZone, type OutputZone } from './serialize.js';
import { parseGraphDateTime } from './time.js';
import { outputZone } from './odata.js';
import { readBody } from './validate.js';
import { calendarView } from './views.js';

const MAX_SCHEDULES = 20;
const MAX_DAYS = 42;
const DAY = 86_400_000;

const ScheduleSchema = Type.Object(
  {
    schedules: Type.Array(Type.String()),
    startTime: DateTimeTimeZoneSchema,
    endTime: DateTimeTimeZoneSchema,
    availabilityViewInterval: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
type ScheduleInput = Type.Static<typeof ScheduleSchema>;

/** availabilityView digits; a slot shows the strongest status overlapping it. */
const DIGIT: Record<ShowAs, number> = {
  free: 0,
  tentative: 1,
  busy: 2,
  oof: 3,
  workingElsewhere: 4,
  unknown: 0,
};
const STRENGTH: Record<ShowAs, number> = {
  free: 0,
  unknown: 0,
  workingElsewhere: 1,
  tentative: 2,
  busy: 3,
  oof: 4,
};

function availabilityView(items: EventView[], fromMs: number, toMs: number, intervalMs: number): string {
  let view = '';
  for (let slot = fromMs; slot < toMs; slot += intervalMs) {
    let best: ShowAs = 'free';
    for (const item of items) {
      const f = item.fields;
      if (f.startMs < slot + intervalMs && f.endMs > slot && STRENGTH[f.showAs] > STRENGTH[best])
        best = f.showAs;
    }
    view += String(DIGIT[best]);
  }
  return view;
}

function window(input: ScheduleInput): { fromMs: number; toMs: number } {
  const fromMs = parseGraphDateTime(input.startTime.dateTime, zoneOf(input.startTime.timeZone));
  const toMs = parseGraphDateTime(input.endTime.dateTime, zoneOf(input.endTime.timeZone));
  if (fromMs === undefined || toMs === undefined || toMs <= fromMs) {
    throw new GraphError(
      400,
      'ErrorInvalidTimeInterval',
      'The time duration specified for FreeBusyViewOptions.TimeWindow is invalid.',
    );
  }
  const days = Math.ceil((toMs - fromMs) / DAY);
  if (days >= MAX_DAYS) {
    throw new GraphError(
      400,
      'ErrorTimeIntervalTooBig',
      `The requested time duration specified for FreeBusyViewOptions.TimeWindow is too long. The allowed limit = ${MAX_DAYS - 1} days; the actual limit = ${days} days.`,
    );
  }
  return { fromMs, toMs };
}

/** Items are rendered in the `Prefer: outlook.timezone` zone, UTC without it (like event times). */
function scheduleOf(
  ctx: MicrosoftContext,
  address: string,
  input: ScheduleInput,
  zone: OutputZone,
): Record<string, unknown> {
  const { fromMs, toMs } = window(input);
  const interval = input.availabilityViewInterval ?? 30;
  const account = ctx.core.accounts.byEmail('microsoft', address.toLowerCase());
  if (account === undefined) {
    return {
      scheduleId: address,
      availabilityView: '',
      scheduleItems: [],
      error: {
        message:
          'The specified object was not found in the store., The process failed to get the correct properties.',
        responseCode: 'ErrorMailRecipientNotFound',
      },
    };
  }
  const items = calendarView(ctx.store, account.id, fromMs, toMs).filter(
    (v) => !v.isCancelled && v.fields.showAs !== 'free',
  );
  return {
    scheduleId: address,
    availabilityView: availabilityView(items, fromMs, toMs, interval * 60_000),
    scheduleItems: items.map((v) => {
      const hidden = v.fields.sensitivity === 'private';
      return {
        isPrivate: hidden,
        status: v.fields.showAs,
        ...(hidden ? {} : { subject: v.fields.subject, location: v.fields.location.displayName }),
        start: dateTimeTimeZone(v.fields.startMs, zone),
        end: dateTimeTimeZone(v.fields.endMs, zone),
      };
    }),
    workingHours: workingHoursOf(account),
  };
}

export function registerScheduleRoutes(app: FastifyInstance, ctx: MicrosoftContext): void {
  app.post('/me/calendar/getSchedule', async (request, reply) => {
    requirePermission(request, 'calendars.read');
    const input = readBody<ScheduleInput>(ScheduleSchema, request.body, 'microsoft.graph.getSchedule');
    if (input.schedules.length > MAX_SCHEDULES) {
      throw new GraphError(
        400,
        'ErrorMailboxDataArrayTooBig',
        `There are too many target users in the EmailAddress array. The allowed size = ${MAX_SCHEDULES}; the actual size = ${input.schedules.length}.`,
      );
    }
    const interval = input.availabilityViewInterval ?? 30;
    if (interval < 5 || interval > 1440) {
      throw new GraphError(
        400,
        'ErrorInvalidParameter',
        'The availabilityViewInterval must be between 5 and 1440 minutes.',
      );
    }
    window(input);
    const zone = outputZone(request);
    const value = input.schedules.map((address) => scheduleOf(ctx, address, input, zone));
    const body = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#Collection(microsoft.graph.scheduleInformation)`,
      value,
    };
    return sendGraph(request, reply, 200, body);
  });
}
