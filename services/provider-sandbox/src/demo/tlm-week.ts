/**
 * The demo scenario, provider-neutral: a tech lead manager (Alex), four reports, two cross-functional
 * partners, the CEO and an external guest, with a week of meetings relative to the sandbox clock's
 * current week. Each provider emulation turns it into its own accounts and events (google-demo.ts; the
 * Microsoft side may reuse it the same way).
 */
export interface DemoPerson {
  key: string;
  name: string;
  /** Local part; the domain is DEMO_DOMAIN. Externals carry a full address instead. */
  email: string;
  timeZone: string;
  workingHours: { days: number[]; start: string; end: string };
  /** Externals get no sandbox account (they are outside the provider). */
  external?: boolean;
  focusTimeSupported?: boolean;
}

export interface DemoRecurrence {
  frequency: 'daily' | 'weekly';
  interval?: number;
  /** ISO weekdays 1..7. */
  daysOfWeek: number[];
  count?: number;
}

export interface DemoEvent {
  key: string;
  summary: string;
  organizer: string;
  attendees: string[];
  /** Days after Monday of the current week (negative: earlier weeks). */
  dayOffset: number;
  /** Local start in the organizer's zone, or undefined for all-day events. */
  start?: string;
  durationMinutes?: number;
  allDayDays?: number;
  recurrence?: DemoRecurrence;
  kind: 'oneOnOne' | 'team' | 'allHands' | 'holiday' | 'outOfOffice' | 'review' | 'personal';
  transparent?: boolean;
  description?: string;
}

export interface DemoScenario {
  domain: string;
  user: string;
  people: DemoPerson[];
  events: DemoEvent[];
}

const WEEKDAYS = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' };
const person = (
  key: string,
  name: string,
  timeZone = 'Europe/Berlin',
  extra: Partial<DemoPerson> = {},
): DemoPerson => ({
  key,
  name,
  email: name.toLowerCase().replace(/[^a-z]+/g, '.'),
  timeZone,
  workingHours: WEEKDAYS,
  ...extra,
});
const weekly = (day: number, count?: number, interval = 1): DemoRecurrence => ({
  frequency: 'weekly',
  daysOfWeek: [day],
  interval,
  ...(count === undefined ? {} : { count }),
});

export const TLM_WEEK: DemoScenario = {
  domain: 'sandbox.test',
  user: 'alex',
  people: [
    person('alex', 'Alex Rivera', 'Europe/Berlin', { email: 'alex.tlm', focusTimeSupported: true }),
    person('priya', 'Priya Natarajan'),
    person('marco', 'Marco Rossi'),
    person('jonas', 'Jonas Weber'),
    person('lena', 'Lena Hoffmann', 'Europe/Lisbon', {
      workingHours: { days: [1, 2, 3, 4], start: '08:30', end: '16:30' },
    }),
    person('sam', 'Sam Okafor', 'America/New_York'),
    person('dana', 'Dana Kim'),
    person('morgan', 'Morgan Lee', 'America/New_York'),
    person('chris', 'Chris Partner', 'Europe/London', { email: 'chris@partner.example', external: true }),
  ],
  events: [
    {
      key: 'oo-priya',
      summary: 'Alex / Priya 1:1',
      organizer: 'alex',
      attendees: ['priya'],
      dayOffset: 0,
      start: '10:00',
      durationMinutes: 30,
      recurrence: weekly(1),
      kind: 'oneOnOne',
    },
    {
      key: 'oo-marco',
      summary: 'Marco <> Alex',
      organizer: 'marco',
      attendees: ['alex'],
      dayOffset: 1,
      start: '15:30',
      durationMinutes: 30,
      recurrence: weekly(2),
      kind: 'oneOnOne',
    },
    {
      key: 'oo-jonas',
      summary: '1:1 Jonas / Alex',
      organizer: 'alex',
      attendees: ['jonas'],
      dayOffset: 3,
      start: '11:00',
      durationMinutes: 45,
      recurrence: weekly(4),
      kind: 'oneOnOne',
    },
    {
      key: 'oo-lena',
      summary: 'Lena & Alex weekly',
      organizer: 'lena',
      attendees: ['alex'],
      dayOffset: 4,
      start: '14:00',
      durationMinutes: 30,
      recurrence: weekly(5),
      kind: 'oneOnOne',
    },
    {
      key: 'xf-sam',
      summary: 'Alex / Sam (Product) 1:1',
      organizer: 'sam',
      attendees: ['alex'],
      dayOffset: 2,
      start: '13:00',
      durationMinutes: 30,
      recurrence: weekly(3, undefined, 2),
      kind: 'oneOnOne',
    },
    {
      key: 'xf-dana',
      summary: 'Alex / Dana (Design) 1-1',
      organizer: 'alex',
      attendees: ['dana'],
      dayOffset: 3,
      start: '16:00',
      durationMinutes: 30,
      recurrence: weekly(4),
      kind: 'oneOnOne',
    },
    {
      key: 'ext-chris',
      summary: 'Alex / Chris (partner sync)',
      organizer: 'alex',
      attendees: ['chris'],
      dayOffset: 2,
      start: '16:00',
      durationMinutes: 30,
      recurrence: weekly(3),
      kind: 'oneOnOne',
    },
    {
      key: 'standup',
      summary: 'Team standup',
      organizer: 'alex',
      attendees: ['priya', 'marco', 'jonas', 'lena'],
      dayOffset: 0,
      start: '09:30',
      durationMinutes: 15,
      recurrence: { frequency: 'weekly', daysOfWeek: [1, 2, 3, 4, 5] },
      kind: 'team',
    },
    {
      key: 'planning',
      summary: 'Team planning',
      organizer: 'alex',
      attendees: ['priya', 'marco', 'jonas', 'lena'],
      dayOffset: 2,
      start: '10:00',
      durationMinutes: 60,
      recurrence: weekly(3),
      kind: 'team',
    },
    {
      key: 'all-hands',
      summary: 'Company all-hands',
      organizer: 'morgan',
      attendees: ['alex', 'priya', 'marco', 'jonas', 'lena', 'sam', 'dana'],
      dayOffset: 3,
      start: '17:00',
      durationMinutes: 60,
      kind: 'allHands',
    },
    {
      key: 'holiday',
      summary: 'Public holiday (office closed)',
      organizer: 'alex',
      attendees: [],
      dayOffset: 7,
      allDayDays: 1,
      kind: 'holiday',
      transparent: true,
    },
    {
      key: 'ooo',
      summary: 'Out of office: doctor',
      organizer: 'alex',
      attendees: [],
      dayOffset: 1,
      start: '13:00',
      durationMinutes: 120,
      kind: 'outOfOffice',
    },
    // Weekly from 15 weeks back, 30 times: always spans a DST change in Europe/Berlin (late March / late October).
    {
      key: 'arch-review',
      summary: 'Architecture review',
      organizer: 'alex',
      attendees: ['jonas', 'priya'],
      dayOffset: -105,
      start: '16:00',
      durationMinutes: 60,
      recurrence: weekly(2, 30),
      kind: 'review',
    },
    {
      key: 'sam-product',
      summary: 'Product review',
      organizer: 'sam',
      attendees: ['alex', 'dana'],
      dayOffset: 1,
      start: '11:00',
      durationMinutes: 60,
      kind: 'review',
    },
    {
      key: 'jonas-debrief',
      summary: 'Interview loop debrief',
      organizer: 'jonas',
      attendees: ['alex', 'marco'],
      dayOffset: 4,
      start: '10:00',
      durationMinutes: 45,
      kind: 'review',
    },
    {
      key: 'priya-focus',
      summary: 'Deep work',
      organizer: 'priya',
      attendees: [],
      dayOffset: 1,
      start: '09:00',
      durationMinutes: 180,
      kind: 'personal',
    },
    {
      key: 'marco-customer',
      summary: 'Customer call',
      organizer: 'marco',
      attendees: [],
      dayOffset: 0,
      start: '14:00',
      durationMinutes: 60,
      kind: 'personal',
    },
    {
      key: 'jonas-oncall',
      summary: 'On-call handover',
      organizer: 'jonas',
      attendees: [],
      dayOffset: 2,
      start: '09:00',
      durationMinutes: 30,
      recurrence: weekly(3),
      kind: 'personal',
    },
    {
      key: 'lena-dentist',
      summary: 'Dentist',
      organizer: 'lena',
      attendees: [],
      dayOffset: 3,
      start: '15:00',
      durationMinutes: 60,
      kind: 'personal',
    },
  ],
};

export function demoEmail(scenario: DemoScenario, person: DemoPerson): string {
  return person.external ? person.email : `${person.email}@${scenario.domain}`;
}
