import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { ME, attendee, local, meeting, oneOnOne, prefs, self } from './__fixtures__/builders.js';
import { classifyOneOnOne, type ClassifierContext } from './classify-one-on-one.js';

const ctx: ClassifierContext = {
  now: Temporal.Instant.from(local('2024-04-06T09:00')),
  userEmail: ME,
  people: [{ email: 'dana@acme.test' }, { email: 'fixed@acme.test', fixed: true }],
};
const codes = (event: Parameters<typeof classifyOneOnOne>[0], context = ctx) =>
  classifyOneOnOne(event, context).reasons.map((r) => `${r.ok ? '+' : '-'}${r.code}`);

describe('classifyOneOnOne', () => {
  it('treats a recurring meeting with one colleague as a movable 1:1 and says why', () => {
    const verdict = classifyOneOnOne(oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00'), ctx);
    expect(verdict).toMatchObject({ isOneOnOne: true, movable: true, counterpart: 'bob@acme.test' });
    expect(verdict.reasons.map((r) => r.code)).toEqual([
      'twoPeople',
      'shortEnough',
      'recurring',
      'organizerIsSelf',
      'afterFreezeWindow',
    ]);
    expect(verdict.reasons.every((r) => r.message.length > 0)).toBe(true);
  });

  it('does not count rooms and resources as people', () => {
    const event = oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00');
    event.attendees.push(attendee('room-4@resource.acme.test', { resource: true }));
    expect(classifyOneOnOne(event, ctx).isOneOnOne).toBe(true);
  });

  it('rejects a group meeting, naming how many people are invited', () => {
    const verdict = classifyOneOnOne(
      meeting('m', '2024-04-11T10:00', 30, ['a@acme.test', 'b@acme.test'], { kind: 'occurrence' }),
      ctx,
    );
    expect(verdict.isOneOnOne).toBe(false);
    expect(verdict.reasons.find((r) => r.code === 'groupMeeting')?.message).toBe(
      '2 other people are invited; a 1:1 has one.',
    );
  });

  it('rejects a meeting longer than 60 minutes', () => {
    expect(codes(oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00', 90))).toContain('-tooLong');
  });

  it('rejects all-day, cancelled and declined events', () => {
    const base = oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00');
    expect(codes({ ...base, allDay: { startDate: '2024-04-11', endDate: '2024-04-12' } })).toContain(
      '-allDay',
    );
    expect(codes({ ...base, status: 'cancelled' })).toContain('-cancelled');
    expect(
      codes({ ...base, attendees: [self({ responseStatus: 'declined' }), attendee('bob@acme.test')] }),
    ).toContain('-declined');
  });

  it('accepts a single meeting marked 1:1, 1-1, 1on1 or <> in its title, but not "Q1-1 review"', () => {
    const single = (title: string) => meeting('m', '2024-04-11T10:00', 30, ['bob@acme.test'], { title });
    for (const title of ['1:1 Bob', 'Bob 1-1', 'bob 1on1', 'Bob <> me', 'One-on-one with Bob']) {
      expect(classifyOneOnOne(single(title), ctx).isOneOnOne, title).toBe(true);
    }
    expect(codes(single('Q1-1 review'))).toContain('-noOneOnOneSignal');
  });

  it('accepts a single meeting with someone on the people list', () => {
    expect(codes(meeting('m', '2024-04-11T10:00', 30, ['dana@acme.test']))).toContain('+onPeopleList');
  });

  it('excludes external guests unless the user allows them', () => {
    const external = oneOnOne('o', 'vendor@other.test', '2024-04-11T10:00');
    expect(codes(external)).toContain('-externalGuest');
    const allowing = { ...ctx, preferences: prefs((p) => (p.oneOnOnes.allowExternal = true)) };
    expect(classifyOneOnOne(external, allowing).isOneOnOne).toBe(true);
  });

  it('calls a 1:1 someone else organizes a 1:1 that may not be moved', () => {
    const verdict = classifyOneOnOne(
      oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00', 30, {
        organizerIsSelf: false,
        organizerEmail: 'bob@acme.test',
      }),
      ctx,
    );
    expect(verdict).toMatchObject({ isOneOnOne: true, movable: false });
    expect(verdict.reasons.find((r) => !r.ok)?.message).toBe(
      'bob@acme.test organizes it; Frontload only moves 1:1s you organize.',
    );
  });

  it('keeps 1:1s inside the freeze window, with people marked fixed, or that the user moved back', () => {
    expect(codes(oneOnOne('o', 'bob@acme.test', '2024-04-06T20:00'))).toContain('-insideFreezeWindow');
    expect(codes(oneOnOne('o', 'fixed@acme.test', '2024-04-11T10:00'))).toContain('-markedFixed');
    const overridden = { ...ctx, userOverrides: ['series-bob@acme.test'] };
    expect(codes(oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00'), overridden)).toContain('-userOverride');
  });

  it('never treats a focus block Frontload created as a 1:1', () => {
    const block = {
      ...oneOnOne('o', 'bob@acme.test', '2024-04-11T10:00'),
      tag: { kind: 'focusBlock' as const },
    };
    expect(codes(block)).toContain('-createdByFrontload');
  });
});
