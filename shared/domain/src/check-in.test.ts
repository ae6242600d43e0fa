import { describe, expect, it } from 'vitest';
import { DEFAULT_NOT_SEEN_CHECK_IN, renderCheckIn } from './check-in.js';

describe('renderCheckIn', () => {
  it('fills {name} with the first name the calendar gives and {meeting} with the 1:1’s title, every time they appear', () => {
    expect(
      renderCheckIn('{name}: {meeting}. Bye {name}!', { name: 'Priya Natarajan', meeting: 'Priya / Alex' }),
    ).toBe('Priya: Priya / Alex. Bye Priya!');
  });

  it('says "there" without a name and "our 1:1" without a title, never leaving a placeholder', () => {
    const text = renderCheckIn(DEFAULT_NOT_SEEN_CHECK_IN, { name: '  ' });
    expect(text.startsWith('Hi there,')).toBe(true);
    expect(renderCheckIn('{meeting}', {})).toBe('our 1:1');
    expect(text).not.toMatch(/[{}]/);
  });
});
