/**
 * The settings page speaks in the user's words, in a real browser on the demo Google calendar: every
 * proposed change names the event by its title and the person by the name their calendar gives (never
 * their address when a name is known), no text shows an ISO date, and all times on the page are on one
 * clock: the browser language's by default, the 24-hour one once the user picks it in Preferences.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAndShowWeek,
  launchBrowser,
  openFreshPage,
  planNowUntil,
  screenshot,
  seriousA11yViolations,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';
/** The demo's people other than Alex, all invited with their names (provider-sandbox demo/tlm-week.ts). */
const NAMED = ['Priya Natarajan', 'Marco Rossi', 'Jonas Weber', 'Lena Hoffmann', 'Sam Okafor', 'Dana Kim'];
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const TIME_12H = /\b\d{1,2}:\d{2}\s?[AP]M\b/gi;
/** A clock time not followed by AM/PM. */
const TIME_24H = /\b\d{1,2}:\d{2}\b(?!\s?[AP]M)/gi;

/** Everything the page shows: its visible text, and the tips the proposed changes show on hover or focus. */
async function pageText(page: Page): Promise<string> {
  const visible = await page.locator('body').innerText();
  const tips = await page.locator('#week .event.op [role="tooltip"]').allTextContents();
  return [visible, ...tips].join('\n');
}

describe('browser: the page names people and events as the user knows them, with one date and time format', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync', 'planner'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('after connecting the demo Google user, the preview lists its changes by event title and person name', async () => {
    await connectAndShowWeek(stack, page, 'Connect Google Calendar', ALEX, /^Allow$/);
    await planNowUntil(stack, page, async () => (await page.locator('#week .op-item').count()) > 0);
    const labels = await page.locator('#week .op-item strong').allTextContents();
    // Each change says which event it touches: a title in quotes.
    for (const label of labels) expect(label).toMatch(/"[^"]+"/);
    const moves = await page.locator('#week .op-item.op-move').allTextContents();
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) expect(NAMED.some((name) => move.includes(name))).toBe(true);
    expect(await page.locator('#week .event.op').first().textContent()).toMatch(/"[^"]+"/);
    await screenshot(page, 'plain-words-preview');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 150_000);

  it('shows no address of a person whose name is known, and no ISO date, anywhere on the page', async () => {
    const text = await pageText(page);
    // The only address left is the user's own account; every guest of the demo has a name.
    expect([...new Set(text.match(EMAIL) ?? [])]).toEqual([ALEX]);
    expect(text).not.toMatch(ISO_DATE);
    expect(text).not.toContain('occurrence(s)');
    const focus = await page.locator('#week .meter-row', { hasText: 'Focus achieved' }).allTextContents();
    for (const row of focus) {
      expect(row).toMatch(/h short of your \d+(\.\d)? h target|your \d+(\.\d)? h target met/);
      expect(row).not.toContain('over your limit');
    }
  });

  it('writes every time on one clock: the browser language’s, then 24-hour once chosen in Preferences', async () => {
    const before = await pageText(page);
    const twelve = before.match(TIME_12H) ?? [];
    const twentyFour = before.match(TIME_24H) ?? [];
    expect(twelve.length + twentyFour.length).toBeGreaterThan(0);
    // One clock or the other, never both.
    expect(Math.min(twelve.length, twentyFour.length), `${twelve[0]} next to ${twentyFour[0]}`).toBe(0);

    await page.getByLabel('Clock').selectOption('24h');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toContain('Preferences saved');
    await expect.poll(async () => (await pageText(page)).match(TIME_12H)?.length ?? 0).toBe(0);
    expect((await pageText(page)).match(TIME_24H)?.length).toBeGreaterThan(0);
    // Stored for the user: a fresh page keeps the 24-hour clock.
    const fresh = await openFreshPage(stack, page);
    const after = await pageText(fresh);
    expect(after.match(TIME_12H) ?? []).toEqual([]);
    expect(after.match(TIME_24H)?.length).toBeGreaterThan(0);
    expect(after).not.toMatch(ISO_DATE);
    await screenshot(fresh, 'plain-words-24h');
    expect(await seriousA11yViolations(fresh)).toEqual([]);
    await fresh.close();
  }, 60_000);
});
