/**
 * A step's calendar activity, done by the people themselves through their own calendar clients:
 * colleagues invite the user (often over a focus block), the user adds, moves and deletes their own
 * events and starts new weekly 1:1s. Events are named after the step and activity, and picked by
 * content order, so both runs of a seed do the same thing to the same event.
 */
import { Temporal } from 'temporal-polyfill';
import { calendarAgent, ZONE, type CalendarAgent, type Provider } from './calendar-agent.js';
import { calendarView } from './calendar-view.js';
import { personalToken } from './consent.js';
import { COLLEAGUES, type Activity } from './script.js';
import type { Stack } from './stack.js';

export interface SimUser {
  provider: Provider;
  email: string;
  accountId: string;
  userId: string;
  connectionId: string;
  /** The user's API session with its CSRF token (People and other settings). */
  headers: Record<string, string>;
}

/** What the user told Frontload by their own edits, which every later step must respect. */
export interface UserIntent {
  /** Slots of Frontload focus blocks the user deleted. */
  deletedSlots: { start: string; end: string }[];
  /** People the user marked protected, with the database time they did. */
  protectedSince: Map<string, Date>;
}

export const newIntent = (): UserIntent => ({ deletedSlots: [], protectedSince: new Map() });

/** `YYYY-MM-DDTHH:mm` on `day` (1 = Monday) of the week after `nowMs`. */
function nextWeek(nowMs: number, day: number, hour: number): string {
  const today = Temporal.Instant.fromEpochMilliseconds(nowMs).toZonedDateTimeISO(ZONE).toPlainDate();
  const date = today.add({ days: 7 - today.dayOfWeek + day });
  return `${date.toString()}T${String(hour).padStart(2, '0')}:00`;
}

const colleagueEmail = (user: SimUser, i: number) => `${COLLEAGUES[i]}@${user.email.split('@')[1]}`;

export async function performActivities(
  stack: Stack,
  user: SimUser,
  activities: Activity[],
  tag: string,
  intent: UserIntent,
): Promise<void> {
  if (activities.length === 0) return;
  const nowMs = stack.nowMs();
  const accounts = await stack.sandbox.control<{ id: string; email: string }[]>('GET', '/accounts');
  const agentFor = async (email: string): Promise<CalendarAgent> => {
    const account = accounts.find((a) => a.email === email);
    if (!account) throw new Error(`no sandbox account ${email}`);
    return calendarAgent(
      user.provider,
      stack.sandbox.url,
      await personalToken(stack.sandbox.url, user.provider, account.id, nowMs),
    );
  };
  const own = await agentFor(user.email);
  /** The user's own single events still ahead (after tomorrow), in content order. */
  const movable = async () =>
    (await calendarView(stack.sandbox, user.accountId, user.email)).filter(
      (e) =>
        e.organizedByUser &&
        !e.ourKey &&
        !e.recurring &&
        !e.allDay &&
        !e.cancelled &&
        Date.parse(e.start) > nowMs + 86_400_000,
    );
  for (const [i, a] of activities.entries()) {
    const name = `${tag}.${i}`;
    if (a.kind === 'invite') {
      const colleague = await agentFor(colleagueEmail(user, a.by));
      await colleague.create({
        summary: `Working session ${name}`,
        start: nextWeek(nowMs, a.day, a.hour),
        minutes: a.minutes,
        attendees: [user.email],
      });
    } else if (a.kind === 'create') {
      await own.create({
        summary: `Errand ${name}`,
        start: nextWeek(nowMs, a.day, a.hour),
        minutes: a.minutes,
        attendees: [],
      });
    } else if (a.kind === 'oneOnOne') {
      await own.create({
        summary: `1:1 ${COLLEAGUES[a.with]} ${name}`,
        start: nextWeek(nowMs, a.day, a.hour),
        minutes: 30,
        attendees: [colleagueEmail(user, a.with)],
        weekly: true,
      });
    } else if (a.kind === 'deleteOurs') {
      const blocks = (await calendarView(stack.sandbox, user.accountId, user.email)).filter(
        (e) => e.ourKey && !e.recurring && !e.cancelled && Date.parse(e.start) > nowMs + 3_600_000,
      );
      const block = blocks[a.pick % Math.max(blocks.length, 1)];
      if (!block) continue;
      const { start, end } = JSON.parse(block.content) as { start: string; end: string };
      await own.remove(block.id);
      intent.deletedSlots.push({ start, end });
    } else if (a.kind === 'protect') {
      const email = colleagueEmail(user, a.with);
      const res = await fetch(`${stack.apiUrl}/api/v1/people/${encodeURIComponent(email)}`, {
        method: 'PATCH',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ protected: true }),
      });
      if (!res.ok) throw new Error(`protect ${email}: ${res.status} ${await res.text()}`);
      const { rows } = await stack.db.query<{ now: Date }>('select now()');
      if (!intent.protectedSince.has(email)) intent.protectedSince.set(email, rows[0]!.now);
    } else {
      const candidates = await movable();
      const target = candidates[a.pick % Math.max(candidates.length, 1)];
      if (!target) continue;
      if (a.kind === 'move') await own.move(target.id, a.minutes);
      else await own.remove(target.id);
    }
  }
}
