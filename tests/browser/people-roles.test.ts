/**
 * People shows each person's role on the demo Google calendar, in a real browser: the roles the
 * calendar suggests (the team are reports, Sam and Dana partners) are marked "suggested from your
 * calendar"; changing one in its labelled select, or confirming it, stores it as the user's,
 * announces it, and a fresh page shows it without the mark. "Not seen lately" lists the reports and
 * partners by name, longest gap first, in words, marking those past the threshold.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAndShowWeek,
  launchBrowser,
  openFreshPage,
  screenshot,
  seriousA11yViolations,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';

describe('browser: People shows suggested roles and lets the user set them', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const openPeople = async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.locator('#people select[name="role"]').first().waitFor();
  };
  const row = (name: string) => page.locator('#people tbody tr', { hasText: name });

  it('marks the roles the calendar suggests, one labelled select per person', async () => {
    await connectAndShowWeek(stack, page, 'Connect Google Calendar', ALEX, /^Allow$/);
    await openPeople();
    for (const [name, role] of [
      ['Priya Natarajan', 'report'],
      ['Marco Rossi', 'report'],
      ['Sam Okafor', 'partner'],
      ['Dana Kim', 'partner'],
    ] as const) {
      expect(await page.getByLabel(`Role of ${name}`).inputValue(), name).toBe(role);
      expect(await row(name).textContent()).toContain('suggested from your calendar');
    }
    await screenshot(page, 'people-roles-suggested');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 150_000);

  it('changing or confirming a role stores it as the user’s, announces it, and drops the mark for good', async () => {
    await page.getByLabel('Role of Dana Kim').selectOption('report');
    await expect
      .poll(() => page.locator('#status').textContent())
      .toContain('Dana Kim is one of your reports');
    expect(await row('Dana Kim').getByText('suggested from your calendar').count()).toBe(0);
    // Confirming a suggestion makes it the user's too.
    await row('Sam Okafor').getByRole('button', { name: 'Confirm Sam Okafor as a partner' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toContain('Sam Okafor is a partner');
    expect(await row('Sam Okafor').getByText('suggested from your calendar').count()).toBe(0);
    await expect
      .poll(async () => {
        const { rows } = await stack.t.db.query<{ role: string | null }>(
          "select role from people where email like 'dana.kim@%'",
        );
        return rows[0]?.role;
      })
      .toBe('report');
    // A fresh page (the user coming back later) shows the roles as set, without the mark.
    const earlier = page;
    page = await openFreshPage(stack, earlier);
    await earlier.close();
    await openPeople();
    expect(await page.getByLabel('Role of Dana Kim').inputValue()).toBe('report');
    expect(await row('Dana Kim').textContent()).not.toContain('suggested from your calendar');
    expect(await page.getByLabel('Role of Sam Okafor').inputValue()).toBe('partner');
    expect(await row('Sam Okafor').textContent()).not.toContain('suggested from your calendar');
    // History says what the user did, in words.
    await expect
      .poll(() => page.locator('#history').textContent())
      .toContain('Changed Dana Kim: role report.');
    // The others are still only suggestions.
    expect(await row('Priya Natarajan').textContent()).toContain('suggested from your calendar');
  }, 60_000);

  it('lists reports and partners not seen lately by name, longest gap first, in words, marking those past the threshold with a check-in to copy', async () => {
    const list = page.locator('#people .not-seen-list li');
    await list.first().waitFor();
    const shown = await list.evaluateAll((items) =>
      items.map((li) => ({
        name: li.querySelector('.not-seen-name')?.textContent ?? '',
        text: li.textContent ?? '',
        marked: li.classList.contains('past-threshold'),
        checkIn: li.querySelector('.check-in blockquote')?.textContent ?? null,
        copy: li.querySelector('.check-in button')?.textContent ?? null,
      })),
    );
    // What the API says, in the order the page must follow: never met first, then most days.
    const api = await page.evaluate(async () => (await fetch('/api/v1/people')).json());
    const people = (
      api as {
        people: { displayName: string; role: string; daysNotSeen: number | null; notSeen: boolean }[];
      }
    ).people.filter((p) => p.role === 'report' || p.role === 'partner');
    const rank = (d: number | null) => d ?? Number.POSITIVE_INFINITY;
    const expected = [...people].sort(
      (a, b) => rank(b.daysNotSeen) - rank(a.daysNotSeen) || a.displayName.localeCompare(b.displayName),
    );
    expect(shown.map((s) => s.name)).toEqual(expected.map((p) => p.displayName));
    expect(shown.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Priya Natarajan', 'Marco Rossi', 'Sam Okafor', 'Dana Kim']),
    );
    const days = expected.map((p) => rank(p.daysNotSeen));
    expect(days).toEqual([...days].sort((a, b) => b - a));
    for (const [i, item] of shown.entries()) {
      // Names and words, never an address or an ISO date.
      expect(item.text).not.toContain('@');
      expect(item.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(item.text).toMatch(
        / — (\d+ days? since you last met|you met today|no meeting together in the last 8 weeks)/,
      );
      expect(item.marked, item.name).toBe(expected[i]!.notSeen);
      expect(item.text.includes('time to check in'), item.name).toBe(expected[i]!.notSeen);
      // Those past it get a check-in drafted by their first name, to copy; the others none.
      if (expected[i]!.notSeen) {
        expect(item.checkIn, item.name).toMatch(
          new RegExp(`^Hi ${item.name.split(' ')[0]}, it has been a while`),
        );
        expect(item.copy).toBe('Copy');
      } else {
        expect(item.checkIn, item.name).toBeNull();
      }
    }
    await screenshot(page, 'people-not-seen');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 60_000);
});
