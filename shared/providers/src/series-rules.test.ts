/**
 * The recurrence rewrites of a "this and following" series move: where the old series ends and what
 * the continuing one repeats, on Google (RRULE lines) and on Graph (recurrence objects).
 */
import { describe, expect, it } from 'vitest';
import { continuedOn, endedBefore, untilBefore } from './google/google-series.js';
import { continuedFrom, rangeEndedBefore } from './microsoft/graph-series.js';

describe('Google series split', () => {
  it('ends every RRULE one second before the first moved occurrence, replacing COUNT or an UNTIL, and keeps EXDATEs', () => {
    expect(untilBefore('2026-11-26T10:00:00Z')).toBe('20261126T095959Z');
    expect(
      endedBefore(
        ['RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=20', 'EXDATE;TZID=Europe/Berlin:20261112T110000'],
        '2026-11-26T10:00:00Z',
      ),
    ).toEqual([
      'RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=20261126T095959Z',
      'EXDATE;TZID=Europe/Berlin:20261112T110000',
    ]);
    expect(
      endedBefore(['RRULE:FREQ=WEEKLY;UNTIL=20271231T000000Z;INTERVAL=2'], '2026-11-26T10:00:00Z'),
    ).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261126T095959Z']);
  });

  it('continues on the new weekday, leaving the EXDATEs of the old times behind', () => {
    expect(
      continuedOn(['RRULE:FREQ=WEEKLY;BYDAY=TH;INTERVAL=2', 'EXDATE;TZID=Europe/Berlin:20261112T110000'], 2),
    ).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=TU;INTERVAL=2']);
  });
});

describe('Graph series split', () => {
  const weekly = {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'], firstDayOfWeek: 'sunday' },
    range: {
      type: 'numbered',
      startDate: '2026-10-01',
      numberOfOccurrences: 30,
      recurrenceTimeZone: 'W. Europe Standard Time',
    },
  };

  it('ends the range on the day before the first moved occurrence in the series zone', () => {
    // 00:30 on Thursday 26 November in Berlin is still Wednesday in UTC: the date is read in the zone.
    expect(rangeEndedBefore(weekly, '2026-11-25T23:30:00Z', 'Europe/Berlin')).toEqual({
      pattern: weekly.pattern,
      range: {
        type: 'endDate',
        startDate: '2026-10-01',
        endDate: '2026-11-25',
        recurrenceTimeZone: 'W. Europe Standard Time',
      },
    });
  });

  it('continues the pattern on the new weekday from the new first date', () => {
    expect(continuedFrom(weekly, '2026-11-24T09:00:00Z', 'Europe/Berlin')).toEqual({
      pattern: { ...weekly.pattern, daysOfWeek: ['tuesday'] },
      range: { ...weekly.range, startDate: '2026-11-24' },
    });
  });
});
