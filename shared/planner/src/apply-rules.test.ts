import { describe, expect, it } from 'vitest';
import { timingRefusal } from './apply-rules.js';

const HOUR = 3_600_000;
const now = Date.parse('2024-04-08T08:00:00Z');
const at = (hours: number, minutes = 30) => ({
  start: new Date(now + hours * HOUR).toISOString(),
  end: new Date(now + hours * HOUR + minutes * 60_000).toISOString(),
});

describe('timing rule at apply time', () => {
  it('refuses to move a 1:1 that now starts inside the freeze window, or into it', () => {
    expect(timingRefusal({ kind: 'moveOccurrence', before: at(30), after: at(50) }, now, 24)).toBeUndefined();
    expect(timingRefusal({ kind: 'moveOccurrence', before: at(10), after: at(50) }, now, 24)).toContain(
      'freeze window',
    );
    expect(timingRefusal({ kind: 'moveSeries', before: at(30), after: at(5) }, now, 24)).toContain(
      'new time is now inside',
    );
    expect(timingRefusal({ kind: 'moveOccurrence', before: at(-1), after: at(50) }, now, 24)).toContain(
      'already started',
    );
  });

  it('refuses to cancel a 1:1 inside the freeze window', () => {
    expect(timingRefusal({ kind: 'cancelOccurrence', before: at(3) }, now, 24)).toContain('freeze window');
    expect(timingRefusal({ kind: 'cancelOccurrence', before: at(25) }, now, 24)).toBeUndefined();
  });

  it('places, moves and removes focus blocks only in the future', () => {
    expect(timingRefusal({ kind: 'createFocusBlock', after: at(1) }, now, 24)).toBeUndefined();
    expect(timingRefusal({ kind: 'createFocusBlock', after: at(-2) }, now, 24)).toContain('already begun');
    expect(timingRefusal({ kind: 'updateFocusBlock', before: at(-1), after: at(3) }, now, 24)).toContain(
      'already started',
    );
    expect(timingRefusal({ kind: 'deleteFocusBlock', before: at(-3, 60) }, now, 24)).toContain('over');
    expect(timingRefusal({ kind: 'restoreOccurrence', before: at(-5) }, now, 24)).toContain('over');
  });
});
