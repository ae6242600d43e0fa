/**
 * Journey 3 in a real browser: a TLM who already runs skip weeks tells Frontload when the last one
 * was, sees next week's 1:1s marked for cancellation in the preview, marks a report protected on
 * the People section, and the next preview keeps that person's 1:1 while still skipping the others.
 * Each person skipped gets one check-in drafted in the preview, to copy; a protected person none.
 */
import type { Page } from 'playwright-core';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAndShowWeek,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  planNowUntil,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';
const PRIYA = 'priya.natarajan@sandbox.test';
/** How the page names Priya: by the name her calendar lists her with, not her address. */
const PRIYA_NAME = 'Priya Natarajan';

describe('browser: skip week and protected people', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  /** The skip-week cancellations the preview lists, as their text (who, when, why). */
  const cancellations = async () => page.locator('#week .op-item.op-cancel').allTextContents();
  /** Asks for a fresh plan and waits until the preview's cancellations satisfy `ready`. */
  const replan = (ready: (texts: string[]) => boolean) =>
    planNowUntil(stack, page, async () => ready(await cancellations()));

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync', 'planner'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await connectAndShowWeek(stack, page, 'Connect Google Calendar', ALEX, /^Allow$/);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('journey 3: after the last skip week is set, the preview cancels next week’s 1:1s, Priya’s included', async () => {
    const today = Temporal.Now.zonedDateTimeISO('Europe/Berlin').toPlainDate();
    const monday = today.subtract({ days: today.dayOfWeek - 1 });
    await page.getByLabel('Last skip week before Frontload').fill(monday.subtract({ weeks: 5 }).toString());
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Preferences saved.');
    await replan((texts) => texts.some((t) => t.includes(PRIYA_NAME)));
    const texts = await cancellations();
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) {
      expect(text).toMatch(/skip week/i);
      expect(text).not.toContain('@');
    }
    // One check-in drafted per person skipped, by their first name, with a Copy button beside it.
    const drafts = page.locator('#week .op-item.op-cancel .check-in');
    const planId = await page.locator('#week .plan-panel').getAttribute('data-plan-id');
    const { rows } = await stack.t.db.query<{ n: number }>(
      `select count(distinct desired->>'counterpart')::int as n from operations
       where plan_id = $1 and kind = 'cancelOccurrence'`,
      [planId],
    );
    expect(rows[0]!.n).toBeGreaterThan(1);
    expect(await drafts.count()).toBe(rows[0]!.n);
    const priya = page.locator('#week .op-item.op-cancel', { hasText: PRIYA_NAME }).locator('.check-in');
    expect(await priya.locator('blockquote').textContent()).toMatch(/^Hi Priya, it is a skip week, so no "/);
    expect(await priya.getByRole('button', { name: 'Copy' }).count()).toBe(1);
    await page.locator('#week').scrollIntoViewIfNeeded();
    await screenshot(page, '3-skip-week-preview');
  });

  it('journey 3: marking Priya protected keeps her 1:1 in the next preview; the other cancellations stay', async () => {
    const others = (await cancellations()).filter((t) => !t.includes(PRIYA_NAME)).length;
    const toggle = page.getByRole('checkbox', { name: new RegExp(`Protected for ${PRIYA_NAME}`) });
    await toggle.check();
    await expect.poll(() => page.locator('#status').textContent()).toContain(`${PRIYA_NAME}: protected on`);
    const stored = await stack.t.db.query<{ protected: boolean }>(
      'select protected from people where email = $1',
      [PRIYA],
    );
    expect(stored.rows[0]?.protected).toBe(true);
    await replan((texts) => texts.length > 0 && texts.every((t) => !t.includes(PRIYA_NAME)));
    expect((await cancellations()).length).toBe(others);
    // Nothing is drafted for a protected person: her 1:1 is kept.
    const drafts = await page.locator('#week .check-in blockquote').allTextContents();
    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.some((d) => d.startsWith('Hi Priya'))).toBe(false);
    expect(await page.locator('#week').textContent()).toMatch(new RegExp(`${PRIYA_NAME} is protected`));
    // History names her the same way.
    const history = await page.locator('#history').textContent();
    expect(history).toContain(`Changed ${PRIYA_NAME}: protected on.`);
    expect(history).not.toContain(PRIYA);
    await screenshot(page, '3-protected-kept');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
