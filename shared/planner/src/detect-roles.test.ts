import type { CalendarEvent, PersonRole, PersonSettings } from '@frontload/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ME,
  attendee,
  input,
  local,
  meeting,
  mustPlan,
  oneOnOne,
  prefs,
  self,
} from './__fixtures__/builders.js';
import { PROPERTY_SEED } from './__fixtures__/scenario.js';
import { detectRoles, roleOf } from './detect-roles.js';

const weekly = (id: string, startLocal: string): Partial<CalendarEvent> => ({
  kind: 'occurrence',
  seriesId: `series-${id}`,
  originalStart: local(startLocal),
  recurrence: { frequency: 'weekly', interval: 1 },
});
const byThem = (email: string): Partial<CalendarEvent> => ({ organizerIsSelf: false, organizerEmail: email });
const roles = (events: CalendarEvent[], people: PersonSettings[] = [], p = prefs()) =>
  Object.fromEntries(
    [...detectRoles(events, { userEmail: ME, preferences: p, people })].map(([email, v]) => [
      email,
      `${v.role}/${v.source}`,
    ]),
  );

describe('detecting roles from the calendar', () => {
  it('without a team meeting: a recurring 1:1 the user organizes is a report, one the other person organizes a partner', () => {
    const events = [
      oneOnOne('a', 'ann@acme.test', '2024-04-08T10:00'),
      oneOnOne('b', 'bo@acme.test', '2024-04-09T10:00', 30, byThem('bo@acme.test')),
    ];
    expect(roles(events)).toEqual({ 'ann@acme.test': 'report/detected', 'bo@acme.test': 'partner/detected' });
  });

  it('with a team meeting: its members are reports even when they organize the 1:1, and a 1:1 the user organizes with anyone else is with a partner', () => {
    const team = ['ann@acme.test', 'bo@acme.test', 'cy@acme.test'];
    const events = [
      meeting('standup', '2024-04-08T09:00', 15, team, weekly('standup', '2024-04-08T09:00')),
      oneOnOne('a', 'ann@acme.test', '2024-04-08T10:00'),
      oneOnOne('b', 'bo@acme.test', '2024-04-09T10:00', 30, byThem('bo@acme.test')),
      oneOnOne('d', 'dee@acme.test', '2024-04-10T10:00'),
    ];
    expect(roles(events)).toEqual({
      'ann@acme.test': 'report/detected',
      'bo@acme.test': 'report/detected',
      'dee@acme.test': 'partner/detected',
    });
  });

  it('a recurring meeting with fewer than three colleagues, or organized by someone else, is not a team meeting', () => {
    const events = [
      meeting(
        'sync',
        '2024-04-08T09:00',
        30,
        ['pm@acme.test', 'ann@acme.test'],
        weekly('sync', '2024-04-08T09:00'),
      ),
      meeting('all', '2024-04-08T11:00', 30, ['x@acme.test', 'y@acme.test', 'dee@acme.test'], {
        ...weekly('all', '2024-04-08T11:00'),
        ...byThem('x@acme.test'),
      }),
      oneOnOne('a', 'ann@acme.test', '2024-04-08T10:00'),
      oneOnOne('d', 'dee@acme.test', '2024-04-10T10:00'),
    ];
    expect(roles(events)).toEqual({ 'ann@acme.test': 'report/detected', 'dee@acme.test': 'report/detected' });
  });

  it('someone outside the organisation is a partner, unless external people count as colleagues', () => {
    const events = [oneOnOne('c', 'chris@partner.example', '2024-04-08T10:00')];
    expect(roles(events)).toEqual({ 'chris@partner.example': 'partner/detected' });
    expect(roles(events, [{ email: 'chris@partner.example', allowExternal: true }])).toEqual({
      'chris@partner.example': 'report/detected',
    });
    expect(
      roles(
        events,
        [],
        prefs((p) => (p.oneOnOnes.internalDomains = ['partner.example'])),
      ),
    ).toEqual({
      'chris@partner.example': 'report/detected',
    });
  });

  it('a one-off meeting with one person proposes no role', () => {
    const single = meeting('once', '2024-04-08T10:00', 30, ['ann@acme.test'], { title: '1:1 Ann' });
    const detected = detectRoles([single], { userEmail: ME });
    expect(detected.size).toBe(0);
    expect(roleOf(detected, 'Ann@acme.test')).toBe('other');
  });

  it('never fights the person: a role the user set stands whatever the calendar suggests', () => {
    const events = [
      oneOnOne('a', 'ann@acme.test', '2024-04-08T10:00'),
      oneOnOne('b', 'bo@acme.test', '2024-04-09T10:00', 30, byThem('bo@acme.test')),
    ];
    expect(
      roles(events, [
        { email: 'Ann@acme.test', role: 'partner' },
        { email: 'bo@acme.test', role: 'report' },
        { email: 'zed@acme.test', role: 'other' },
      ]),
    ).toEqual({
      'ann@acme.test': 'partner/user',
      'bo@acme.test': 'report/user',
      'zed@acme.test': 'other/user',
    });
  });
});

/**
 * A generated calendar with its truth. A report is a colleague in the user's team: when the user runs
 * a team meeting (three or more reports) it includes every report and either side may organize the
 * 1:1; without one the user organizes it. A partner is from elsewhere: outside the organisation, or
 * organizing their 1:1 with the user, or (when the team meeting shows who the team is) not in it.
 * Around them: meetings other people organize with anyone, one-off 1:1s the user organizes with
 * partners, and roles the user set for anyone.
 */
interface PersonSpec {
  truth: 'report' | 'partner';
  external: boolean;
  userOrganizes: boolean;
  day: number;
  hour: number;
  userRole: PersonRole | undefined;
  oneOffWithUser: boolean;
}

const personArb: fc.Arbitrary<PersonSpec> = fc.record({
  truth: fc.constantFrom('report' as const, 'partner' as const),
  external: fc.boolean(),
  userOrganizes: fc.boolean(),
  day: fc.integer({ min: 0, max: 4 }),
  hour: fc.integer({ min: 9, max: 16 }),
  userRole: fc.option(fc.constantFrom<PersonRole>('report', 'partner', 'other'), { nil: undefined }),
  oneOffWithUser: fc.boolean(),
});

interface CalendarSpec {
  people: PersonSpec[];
  teamMeeting: boolean;
  /** Meetings someone else organizes, by the indexes (modulo the people) of who is invited. */
  foreignMeetings: number[][];
}

const calendarArb: fc.Arbitrary<CalendarSpec> = fc.record({
  people: fc.array(personArb, { minLength: 1, maxLength: 9 }),
  teamMeeting: fc.boolean(),
  foreignMeetings: fc.array(fc.array(fc.nat(8), { minLength: 2, maxLength: 5 }), { maxLength: 3 }),
});

function buildCalendar(spec: CalendarSpec) {
  const email = (i: number, p: PersonSpec) =>
    p.truth === 'partner' && p.external ? `p${i}@elsewhere.example` : `p${i}@acme.test`;
  const reports = spec.people.flatMap((p, i) => (p.truth === 'report' ? [email(i, p)] : []));
  const team = spec.teamMeeting && reports.length >= 3;
  const events: CalendarEvent[] = [];
  const people: PersonSettings[] = [];
  spec.people.forEach((p, i) => {
    const who = email(i, p);
    const start = `2024-04-${String(8 + p.day).padStart(2, '0')}T${String(p.hour).padStart(2, '0')}:00`;
    const internalPartner = p.truth === 'partner' && !p.external;
    // Truth as the person generating the calendar knows it (see the comment above).
    const userOrganizes =
      p.truth === 'report'
        ? !team || p.userOrganizes
        : internalPartner
          ? team && p.userOrganizes
          : p.userOrganizes;
    events.push(oneOnOne(`o${i}`, who, start, 30, userOrganizes ? {} : byThem(who)));
    if (p.truth === 'partner' && p.oneOffWithUser)
      events.push(meeting(`once${i}`, `${start.slice(0, 11)}08:00`, 30, [who], { title: `1:1 ${who}` }));
    if (p.userRole !== undefined) people.push({ email: who, role: p.userRole });
  });
  if (team) events.push(meeting('team', '2024-04-08T08:30', 30, reports, weekly('team', '2024-04-08T08:30')));
  spec.foreignMeetings.forEach((guests, j) => {
    const emails = [...new Set(guests.map((g) => g % spec.people.length))].map((i) =>
      email(i, spec.people[i]!),
    );
    const organizer = emails[0]!;
    events.push(
      meeting(`foreign${j}`, `2024-04-1${j}T07:00`, 30, emails, {
        ...weekly(`foreign${j}`, `2024-04-1${j}T07:00`),
        ...byThem(organizer),
        attendees: [self(), ...emails.map((e) => attendee(e, { organizer: e === organizer }))],
      }),
    );
  });
  return { events, people };
}

describe('roles over generated calendars', () => {
  it('no partner is ever counted as a report unless the user said so, and every report the user has is counted', () => {
    fc.assert(
      fc.property(calendarArb, (spec) => {
        const { events, people } = buildCalendar(spec);
        const out = mustPlan(input({ events, people }));
        const week = out.metrics[0]!;
        // What the user said wins; otherwise the generated truth. An outside report is not a 1:1 Frontload sees.
        const said = spec.people.map((p) => p.userRole ?? p.truth);
        const reports = spec.people.filter(
          (p, i) => said[i] === 'report' && !(p.truth === 'partner' && p.external),
        );
        const partners = said.filter((r) => r === 'partner');
        expect(week.reportsWithOneOnOnes).toBe(reports.length);
        expect(week.partnersWithOneOnOnes).toBe(partners.length);
        expect(week.overload.includes('tooManyOneOnOnes')).toBe(reports.length > 5);
        // And detection alone recovers the truth for everyone the user said nothing about.
        const detected = detectRoles(events, { userEmail: ME, people });
        spec.people.forEach((p, i) => {
          const who = p.truth === 'partner' && p.external ? `p${i}@elsewhere.example` : `p${i}@acme.test`;
          expect(detected.get(who)).toEqual({ role: said[i], source: p.userRole ? 'user' : 'detected' });
        });
      }),
      { seed: PROPERTY_SEED, numRuns: 300, endOnFailure: true },
    );
  });
});
