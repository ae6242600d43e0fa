/** getSchedule mapping on Microsoft's documented response (tests/fixtures/provider-docs/graph-getschedule-response.json). */
import type * as Graph from '@microsoft/microsoft-graph-types';
import { describe, expect, it } from 'vitest';
import { sharedJson } from '../__fixtures__/fixtures.js';
import { mapSchedule, mapWorkingHours, mergeAvailability, scheduleWindows } from './graph-schedule.js';

const sample = sharedJson('graph-getschedule-response.json') as { value: Graph.ScheduleInformation[] };

describe('mapSchedule', () => {
  it('maps busy and tentative items (Pacific time) to UTC busy intervals, with working hours and zone', () => {
    const [adele, megan] = sample.value.map(mapSchedule);
    expect(adele).toEqual({
      email: 'adelev@contoso.com',
      busy: [{ start: '2019-03-15T19:00:00Z', end: '2019-03-15T21:00:00Z' }],
      workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' },
      zone: 'America/Los_Angeles',
    });
    expect(megan?.busy).toHaveLength(5);
    expect(megan?.busy[0]).toEqual({ start: '2019-03-15T15:30:00Z', end: '2019-03-15T16:30:00Z' });
  });

  it('leaves the zone out for a customTimeZone rather than guessing one', () => {
    const megan = mapSchedule(sample.value[1] as Graph.ScheduleInformation);
    expect(megan?.workingHours).toEqual({ days: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' });
    expect(megan?.zone).toBeUndefined();
  });

  it('treats a schedule with an error as unknown', () => {
    expect(
      mapSchedule({ scheduleId: 'ghost@contoso.com', error: { responseCode: 'ErrorMailRecipientNotFound' } }),
    ).toBeUndefined();
  });
});

describe('schedule helpers', () => {
  it('splits long windows into pieces under 42 days', () => {
    const pieces = scheduleWindows({ start: '2026-01-01T00:00:00Z', end: '2026-03-15T00:00:00Z' });
    expect(pieces).toEqual([
      { start: '2026-01-01T00:00:00Z', end: '2026-02-11T00:00:00Z' },
      { start: '2026-02-11T00:00:00Z', end: '2026-03-15T00:00:00Z' },
    ]);
    expect(scheduleWindows({ start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' })).toHaveLength(1);
  });

  it('merges chunk answers in time order', () => {
    const merged = mergeAvailability([
      {
        email: 'a@x.test',
        busy: [{ start: '2026-02-12T09:00:00Z', end: '2026-02-12T10:00:00Z' }],
        zone: 'UTC',
      },
      { email: 'a@x.test', busy: [{ start: '2026-01-02T09:00:00Z', end: '2026-01-02T10:00:00Z' }] },
    ]);
    expect(merged.busy.map((b) => b.start)).toEqual(['2026-01-02T09:00:00Z', '2026-02-12T09:00:00Z']);
    expect(merged.zone).toBe('UTC');
  });

  it('refuses malformed working hours', () => {
    expect(mapWorkingHours({ daysOfWeek: [], startTime: '08:00:00', endTime: '17:00:00' })).toBeUndefined();
    expect(
      mapWorkingHours({ daysOfWeek: ['sunday', 'monday'], startTime: '8', endTime: '17:00:00' }),
    ).toBeUndefined();
    expect(
      mapWorkingHours({
        daysOfWeek: ['sunday', 'monday'],
        startTime: '07:30:00.0000000',
        endTime: '15:00:00.0000000',
      }),
    ).toEqual({
      days: [1, 7],
      start: '07:30',
      end: '15:00',
    });
  });
});
