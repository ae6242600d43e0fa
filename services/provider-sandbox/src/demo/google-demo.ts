/** Loads TLM_WEEK into the Google emulation: one sandbox account per person, events by their organizers. */
import { Temporal } from 'temporal-polyfill';
import type { ProviderControl, SandboxCore } from '../core/types.js';
import { demoEmail, TLM_WEEK, type DemoEvent, type DemoPerson, type DemoScenario } from './tlm-week.js';

const BYDAY = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Monday of the clock's current week in `zone`. */
export function weekStart(nowMs: number, zone: string): Temporal.PlainDate {
  const today = Temporal.Instant.fromEpochMilliseconds(nowMs).toZonedDateTimeISO(zone).toPlainDate();
  return today.subtract({ days: today.dayOfWeek - 1 });
}

function rrule(event: DemoEvent): string[] {
  const r = event.recurrence;
  if (!r) return [];
  const days = r.daysOfWeek.map((d) => BYDAY[d - 1]).join(',');
  const parts = [`FREQ=${r.frequency === 'daily' ? 'DAILY' : 'WEEKLY'}`, `BYDAY=${days}`];
  if (r.interval && r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
  if (r.count !== undefined) parts.push(`COUNT=${r.count}`);
  return [`RRULE:${parts.join(';')}`];
}

/** Local times in the scenario are the user's; each event is written in its organizer's own zone. */
export function googleEventInput(
  scenario: DemoScenario,
  event: DemoEvent,
  monday: Temporal.PlainDate,
  organizer: DemoPerson,
  userZone: string,
) {
  const day = monday.add({ days: event.dayOffset });
  const inZone = (local: Temporal.PlainDateTime) =>
    local.toZonedDateTime(userZone).withTimeZone(organizer.timeZone).toString({ timeZoneName: 'never' });
  // Invited from the directory, as people usually are: Google then lists each guest with their name.
  const guests = event.attendees
    .map((key) => scenario.people.find((p) => p.key === key))
    .flatMap((p) => (p ? [{ email: demoEmail(scenario, p), displayName: p.name }] : []));
  const when = event.start
    ? (() => {
        const start = day.toPlainDateTime(Temporal.PlainTime.from(event.start));
        const end = start.add({ minutes: event.durationMinutes ?? 30 });
        return {
          start: { dateTime: inZone(start), timeZone: organizer.timeZone },
          end: { dateTime: inZone(end), timeZone: organizer.timeZone },
        };
      })()
    : { start: { date: day.toString() }, end: { date: day.add({ days: event.allDayDays ?? 1 }).toString() } };
  return {
    summary: event.summary,
    ...(event.description ? { description: event.description } : {}),
    ...when,
    ...(event.recurrence ? { recurrence: rrule(event) } : {}),
    ...(guests.length > 0
      ? {
          attendees: [
            {
              email: demoEmail(scenario, organizer),
              displayName: organizer.name,
              responseStatus: 'accepted',
            },
            ...guests.map((guest) => ({ ...guest, responseStatus: 'accepted' })),
          ],
        }
      : {}),
    ...(event.kind === 'outOfOffice'
      ? {
          eventType: 'outOfOffice',
          outOfOfficeProperties: {
            autoDeclineMode: 'declineOnlyNewConflictingInvitations',
            declineMessage: 'Out of office',
          },
        }
      : {}),
    ...(event.transparent ? { transparency: 'transparent' } : {}),
  };
}

export function seedGoogleDemo(
  core: SandboxCore,
  control: ProviderControl,
  scenario: DemoScenario = TLM_WEEK,
) {
  const ids = new Map<string, string>();
  for (const p of scenario.people) {
    if (p.external) continue;
    const email = demoEmail(scenario, p);
    const account =
      core.accounts.byEmail('google', email) ??
      core.accounts.create({
        provider: 'google',
        email,
        name: p.name,
        timeZone: p.timeZone,
        workingHours: p.workingHours,
        focusTimeSupported: p.focusTimeSupported ?? false,
      });
    ids.set(p.key, account.id);
  }
  const user = scenario.people.find((p) => p.key === scenario.user);
  if (!user) return;
  const monday = weekStart(core.clock.nowMs(), user.timeZone);
  for (const event of scenario.events) {
    const organizer = scenario.people.find((p) => p.key === event.organizer);
    const accountId = ids.get(event.organizer);
    if (!organizer || !accountId) continue;
    control.seedEvents(accountId, [googleEventInput(scenario, event, monday, organizer, user.timeZone)]);
  }
}
