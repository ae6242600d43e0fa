/**
 * The whole journey by keyboard alone: Tab, Shift+Tab, Enter, Space (and the arrow keys a radio group
 * takes), never a mouse click. The user connects the demo Google calendar from the start page through
 * the sandbox consent screen, sees the week and its preview drawn by themselves, plans now, applies
 * the plan and undoes it from History. Every control on the way can be reached and operated, and axe
 * finds nothing serious at the end. On the way the preview is photographed at desktop (1400 px) and
 * phone (390 px) widths for the README, and the phone width is checked not to scroll sideways.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@frontload/testing';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  seriousA11yViolations,
  settle,
  startStack,
  withWorkerLogs,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';
/** Committed: the README embeds these images. */
const README_IMAGES = fileURLToPath(new URL('./readme/', import.meta.url));

/** What has the focus, in words, for a failure message. */
const focused = (page: Page) =>
  page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing (the page body)';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 60) ?? '';
    return '<' + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '> "' + name + '"';
  })()`);

const hasFocus = (target: Locator) =>
  target
    .evaluate((el) => el === el.ownerDocument.activeElement, undefined, { timeout: 1_000 })
    .catch(() => false);

/** How wide the page is, scrolling included: wider than the window means it scrolls sideways. */
const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

/** For a failure message: what sticks out of a window `width` wide (the week grid scrolls in its own box). */
const stickingOut = (page: Page, width: number) =>
  page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > ${width + 1} && !el.closest('.grid-scroll'))
    .slice(0, 8)
    .map((el) => '#' + (el.closest('section')?.id ?? '-') + ' ' + el.outerHTML.slice(0, 80))`);

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, at most `max` times; fails saying what
 * could not be reached and where the focus was instead. Tab counts are never hard-coded: the page
 * may add or remove controls, and this still proves the target is reachable by keyboard.
 */
async function tabTo(
  page: Page,
  target: Locator,
  what: string,
  { backwards = false, max = 200 } = {},
): Promise<void> {
  await target.waitFor({ state: 'visible' });
  const key = backwards ? 'Shift+Tab' : 'Tab';
  for (let presses = 0; presses <= max; presses++) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(
    `${what} cannot be reached by keyboard: ${max} presses of ${key}, focus on ${await focused(page)}`,
  );
}

describe('browser: the journey by keyboard alone, and the page at desktop and phone widths', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  const status = () => page.locator('#status').textContent();

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync', 'planner'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('connects Google Calendar by keyboard (start page link, consent account and Allow), and the week and preview appear by themselves', async () => {
    await page.goto(stack.url);
    await tabTo(page, page.getByRole('link', { name: 'Connect Google Calendar' }), 'The connect link');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));

    // A radio group takes one Tab stop (the chosen account); the arrow keys move the choice.
    const alex = page.getByRole('radio', { name: new RegExp(ALEX.replace(/[.]/g, '\\.')) });
    await tabTo(page, page.locator('input[name="account"]:checked'), 'The chosen account');
    for (let moves = 0; !(await alex.isChecked()); moves++) {
      if (moves > 10) throw new Error(`The account ${ALEX} cannot be chosen with the arrow keys`);
      await page.keyboard.press('ArrowDown');
    }
    expect(await hasFocus(alex)).toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Allow' }), 'Allow');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${stack.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await withWorkerLogs(stack, () =>
      waitUntil(
        async () =>
          ((await page.locator('#week .event').count()) > 0 &&
            (await page.locator('#week .op-item').count()) > 0) ||
          undefined,
        { timeoutMs: 60_000, intervalMs: 500, what: 'the synced week and its preview to be drawn' },
      ),
    );
  }, 120_000);

  it('at 1400 px and at 390 px the week with its preview fits the window (no sideways scroll on a phone), photographed for the README', async () => {
    await settle(stack, page);
    mkdirSync(README_IMAGES, { recursive: true });
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: join(README_IMAGES, 'week-desktop-1400.png'), fullPage: true });
    expect(
      await pageWidth(page),
      `too wide: ${(await stickingOut(page, 1400)).join(', ')}`,
    ).toBeLessThanOrEqual(1400);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(
      await pageWidth(page),
      `too wide: ${(await stickingOut(page, 390)).join(', ')}`,
    ).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(README_IMAGES, 'week-phone-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 900 });
  }, 90_000);

  it('plans now, applies all and undoes the run from History by keyboard, and axe finds nothing serious', async () => {
    const focusItems = () => page.locator('#week .op-item.op-focus').count();
    await tabTo(page, page.getByRole('button', { name: 'Plan now' }), 'Plan now');
    await page.keyboard.press('Enter');
    await withWorkerLogs(stack, () => expect.poll(status, { timeout: 10_000 }).toMatch(/^Planning/));
    await withWorkerLogs(stack, () =>
      expect.poll(async () => (await focusItems()) > 0, { timeout: 60_000, interval: 500 }).toBe(true),
    );
    await settle(stack, page);

    await tabTo(page, page.getByRole('button', { name: 'Apply all' }), 'Apply all');
    await page.keyboard.press('Enter');
    await withWorkerLogs(stack, () =>
      expect.poll(status, { timeout: 60_000, interval: 500 }).toMatch(/^The plan was applied/),
    );

    const undo = page.locator('#history').getByRole('button', { name: /^Undo/ }).first();
    await tabTo(page, undo, 'Undo in History', { backwards: true });
    await page.keyboard.press('Space');
    await withWorkerLogs(stack, () =>
      expect.poll(status, { timeout: 60_000, interval: 500 }).toMatch(/^The undo was applied/),
    );
    expect(await page.locator('#history').getByRole('button', { name: /^Undo/ }).count()).toBe(0);

    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 180_000);
});
