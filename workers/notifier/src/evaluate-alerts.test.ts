import { DEFAULT_PREFERENCES, type WeekMetrics } from '@frontload/domain';
import { describe, expect, it } from 'vitest';
import { ruleFacts } from './evaluate-alerts.js';

const week = (overrides: Partial<WeekMetrics> = {}): WeekMetrics => ({
  week: '2026-11-23',
  meetingHours: 12,
  focusHours: 8,
  focusTargetHours: 10,
  peopleWithOneOnOnes: 9,
  reportsWithOneOnOnes: 6,
  partnersWithOneOnOnes: 3,
  longestBackToBack: { count: 2, minutes: 90 },
  firstHalfPeopleShare: 0.4,
  overload: ['tooManyOneOnOnes'],
  ...overrides,
});

describe('what the 1:1 overload alert says', () => {
  it('counts reports against the limit and names partners apart, keeping the v1 keys', () => {
    const facts = ruleFacts('tooManyOneOnOnes', week(), DEFAULT_PREFERENCES.overload);
    expect(facts.summary).toBe(
      '6 reports with recurring 1:1s (more than 5 is overload; 3 partners with 1:1s not counted)',
    );
    expect(facts.measured).toEqual({
      reportsWithOneOnOnes: 6,
      partnersWithOneOnOnes: 3,
      peopleWithOneOnOnes: 9,
    });
    expect(facts.thresholds).toEqual({ maxReportsWithOneOnOnes: 5, maxPeopleWithOneOnOnes: 5 });
  });

  it('speaks of people for a plan made before roles, which counted everyone', () => {
    const old = week({ reportsWithOneOnOnes: undefined, partnersWithOneOnOnes: undefined });
    delete old.reportsWithOneOnOnes;
    delete old.partnersWithOneOnOnes;
    expect(ruleFacts('tooManyOneOnOnes', old, DEFAULT_PREFERENCES.overload).summary).toBe(
      '9 people with recurring 1:1s (more than 5 is overload)',
    );
  });
});
