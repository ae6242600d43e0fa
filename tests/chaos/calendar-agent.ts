/**
 * A person's own calendar client on the sandbox (Google Calendar v3 or Microsoft Graph on the wire):
 * how the simulated user and their colleagues create, move and delete events. Frontload's adapters
 * are deliberately not used here: these are the changes Frontload has to notice.
 */
import { Temporal } from 'temporal-polyfill';

export type Provider = 'google' | 'microsoft';
export const ZONE = 'Europe/Berlin';

export interface NewEvent {
  summary: string;
  /** Local wall-clock start in ZONE, `YYYY-MM-DDTHH:mm`. */
  start: string;
  minutes: number;
  attendees: string[];
  /** Repeats every week on the start's weekday. */
  weekly?: boolean;
}

export interface CalendarAgent {
  create(event: NewEvent): Promise<string>;
  /** Shifts an event (a series master: the whole series) by `minutes`. */
  move(eventId: string, minutes: number): Promise<void>;
  remove(eventId: string): Promise<void>;
}

const local = (start: string, plusMinutes = 0) =>
  Temporal.PlainDateTime.from(start).add({ minutes: plusMinutes }).toString({ smallestUnit: 'second' });
const shifted = (instant: string, minutes: number) =>
  Temporal.Instant.from(instant).add({ minutes }).toString({ smallestUnit: 'second' });
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

async function call<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${new URL(url).pathname}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function googleAgent(base: string, token: string): CalendarAgent {
  const events = `${base}/calendar/v3/calendars/primary/events`;
  type GEvent = { id: string; start: { dateTime: string }; end: { dateTime: string } };
  return {
    async create(e) {
      const created = await call<GEvent>(token, 'POST', `${events}?sendUpdates=none`, {
        summary: e.summary,
        start: { dateTime: local(e.start), timeZone: ZONE },
        end: { dateTime: local(e.start, e.minutes), timeZone: ZONE },
        attendees: e.attendees.map((email) => ({ email })),
        ...(e.weekly ? { recurrence: ['RRULE:FREQ=WEEKLY'] } : {}),
      });
      return created.id;
    },
    async move(id, minutes) {
      const current = await call<GEvent>(token, 'GET', `${events}/${id}`);
      await call(token, 'PATCH', `${events}/${id}?sendUpdates=none`, {
        start: { dateTime: shifted(current.start.dateTime, minutes), timeZone: ZONE },
        end: { dateTime: shifted(current.end.dateTime, minutes), timeZone: ZONE },
      });
    },
    async remove(id) {
      await call(token, 'DELETE', `${events}/${id}?sendUpdates=none`);
    },
  };
}

function graphAgent(base: string, token: string): CalendarAgent {
  const events = `${base}/v1.0/me/events`;
  type MEvent = { id: string; start: { dateTime: string }; end: { dateTime: string } };
  const utc = (dateTime: string) => `${dateTime.replace(/\.\d+$/, '')}Z`;
  return {
    async create(e) {
      const startDate = e.start.slice(0, 10);
      const weekday = WEEKDAYS[Temporal.PlainDate.from(startDate).dayOfWeek - 1]!;
      const created = await call<MEvent>(token, 'POST', events, {
        subject: e.summary,
        start: { dateTime: local(e.start), timeZone: ZONE },
        end: { dateTime: local(e.start, e.minutes), timeZone: ZONE },
        attendees: e.attendees.map((address) => ({ emailAddress: { address }, type: 'required' })),
        ...(e.weekly
          ? {
              recurrence: {
                pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday] },
                range: { type: 'noEnd', startDate },
              },
            }
          : {}),
      });
      return created.id;
    },
    async move(id, minutes) {
      // Graph answers in UTC unless asked otherwise.
      const current = await call<MEvent>(token, 'GET', `${events}/${id}`);
      const to = (dateTime: string) => ({
        dateTime: shifted(utc(dateTime), minutes).replace(/Z$/, ''),
        timeZone: 'UTC',
      });
      await call(token, 'PATCH', `${events}/${id}`, {
        start: to(current.start.dateTime),
        end: to(current.end.dateTime),
      });
    },
    async remove(id) {
      await call(token, 'DELETE', `${events}/${id}`);
    },
  };
}

export function calendarAgent(provider: Provider, sandboxUrl: string, token: string): CalendarAgent {
  return provider === 'google' ? googleAgent(sandboxUrl, token) : graphAgent(sandboxUrl, token);
}
