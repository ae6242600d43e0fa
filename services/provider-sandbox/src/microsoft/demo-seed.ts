/**
 * Loads the provider-neutral TLM week (src/demo/tlm-week.ts) into the Microsoft emulation: one mailbox
 * per person (externals excluded), each event created by its organizer so attendee mailboxes get their
 * copies. Times in the scenario are the user's local times; each event is written in its organizer's
 * zone with Windows zone names, as Outlook clients do (PROVIDERS.md §6).
 */
import { Temporal } from 'temporal-polyfill';
import { weekStart } from '../demo/google-demo.js';
import { demoEmail, TLM_WEEK, type DemoEvent, type DemoPerson, type DemoScenario } from '../demo/tlm-week.js';
import type { MicrosoftContext } from './context.js';
import type { EventInput } from './event-schema.js';
import type { StoredEvent } from './model.js';
import { graphWeekday, windowsZone } from './time.js';

/** The Microsoft demo mailboxes live on their own domain, so the Google and Microsoft demo users differ. */
export const MICROSOFT_DEMO: DemoScenario = { ...TLM_WEEK, domain: 'contoso.sandbox.test' };

function recurrence(event: DemoEvent, startDate: Temporal.PlainDate, zone: string): EventInput['recurrence'] {
  const r = event.recurrence;
  if (r === undefined) return undefined;
  return {
    pattern:
      r.frequency === 'daily'
        ? { type: 'daily', interval: r.interval ?? 1 }
        : {
            type: 'weekly',
            interval: r.interval ?? 1,
            daysOfWeek: r.daysOfWeek.map(graphWeekday),
            firstDayOfWeek: 'sunday',
          },
    range:
      r.count === undefined
        ? { type: 'noEnd', startDate: startDate.toString(), recurrenceTimeZone: zone }
        : {
            type: 'numbered',
            startDate: startDate.toString(),
            numberOfOccurrences: r.count,
            recurrenceTimeZone: zone,
          },
  };
}

function times(event: DemoEvent, day: Temporal.PlainDate, organizer: DemoPerson, userZone: string) {
  const zone = windowsZone(organizer.timeZone);
  if (event.start === undefined) {
    const end = day.add({ days: event.allDayDays ?? 1 });
    return {
      start: { dateTime: `${day.toString()}T00:00:00`, timeZone: zone },
      end: { dateTime: `${end.toString()}T00:00:00`, timeZone: zone },
      isAllDay: true,
      startDate: day,
    };
  }
  const start = day
    .toPlainDateTime(Temporal.PlainTime.from(event.start))
    .toZonedDateTime(userZone)
    .withTimeZone(organizer.timeZone);
  const end = start.add({ minutes: event.durationMinutes ?? 30 });
  const local = (z: Temporal.ZonedDateTime) => z.toPlainDateTime().toString({ smallestUnit: 'second' });
  return {
    start: { dateTime: local(start), timeZone: zone },
    end: { dateTime: local(end), timeZone: zone },
    isAllDay: false,
    startDate: start.toPlainDate(),
  };
}

export function graphDemoInput(
  scenario: DemoScenario,
  event: DemoEvent,
  monday: Temporal.PlainDate,
  organizer: DemoPerson,
  userZone: string,
): EventInput {
  const when = times(event, monday.add({ days: event.dayOffset }), organizer, userZone);
  const attendees = event.attendees
    .map((key) => scenario.people.find((p) => p.key === key))
    .flatMap((p) =>
      p === undefined
        ? []
        : [{ type: 'required', emailAddress: { address: demoEmail(scenario, p), name: p.name } }],
    );
  const rec = recurrence(event, when.startDate, windowsZone(organizer.timeZone));
  return {
    subject: event.summary,
    ...(event.description === undefined ? {} : { body: { contentType: 'text', content: event.description } }),
    start: when.start,
    end: when.end,
    isAllDay: when.isAllDay,
    // Graph has no out-of-office event type; Outlook marks such blocks showAs "oof" (PROVIDERS.md §8.14).
    showAs: event.kind === 'outOfOffice' ? 'oof' : event.transparent === true ? 'free' : 'busy',
    attendees,
    ...(rec === undefined ? {} : { recurrence: rec }),
  };
}

/** A standing week: every invitee has accepted, so copies are busy and the organizer sees the answers. */
function acceptEverywhere(ctx: MicrosoftContext, organizer: StoredEvent): void {
  const now = ctx.core.clock.nowMs();
  const time = new Date(now).toISOString();
  organizer.fields = {
    ...organizer.fields,
    attendees: organizer.fields.attendees.map((a) => ({ ...a, status: { response: 'accepted', time } })),
  };
  for (const copy of ctx.store.copiesOf(organizer.meetingId)) {
    if (copy.isOrganizer) continue;
    copy.responseStatus = { response: 'accepted', timeMs: now };
    copy.fields = { ...organizer.fields, showAs: organizer.fields.showAs };
  }
}

export function seedMicrosoftDemo(ctx: MicrosoftContext, scenario: DemoScenario = MICROSOFT_DEMO): void {
  const ids = new Map<string, string>();
  for (const p of scenario.people) {
    if (p.external === true) continue;
    const email = demoEmail(scenario, p);
    const account =
      ctx.core.accounts.byEmail('microsoft', email) ??
      ctx.core.accounts.create({
        provider: 'microsoft',
        email,
        name: p.name,
        timeZone: p.timeZone,
        workingHours: p.workingHours,
        focusTimeSupported: false,
      });
    ids.set(p.key, account.id);
  }
  const user = scenario.people.find((p) => p.key === scenario.user);
  const userId = ids.get(scenario.user);
  // Seeding twice (start-up plus a control call) must not duplicate the week.
  if (user === undefined || userId === undefined || ctx.store.list(userId).length > 0) return;
  const monday = weekStart(ctx.core.clock.nowMs(), user.timeZone);
  for (const event of scenario.events) {
    const organizer = scenario.people.find((p) => p.key === event.organizer);
    const account = ctx.core.accounts.get(ids.get(event.organizer) ?? '');
    if (organizer === undefined || account === undefined) continue;
    const { event: created } = ctx.events.create(
      account,
      graphDemoInput(scenario, event, monday, organizer, user.timeZone),
    );
    acceptEverywhere(ctx, created);
  }
}
