/**
 * Balance, in a real browser, on the demo Google calendar: the section draws the fourteen weeks as a
 * chart (uPlot's canvas, its script and style sheet served by the API under the page's CSP) and the
 * same numbers as a table with a row per week named in words, with no serious accessibility issue.
 * Saves the chart for the README (tests/browser/readme/balance-chart.png).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAndShowWeek,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';
const README_IMAGES = fileURLToPath(new URL('./readme/', import.meta.url));

describe('browser: Balance charts people against engineering time, week by week', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // A script error, a CSP refusal, or a chart file or insights request the server did not answer.
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/.test(message.text()))
        errors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && /\/vendor\/|\/balance|\/insights/.test(response.url()))
        errors.push(`${response.status()} ${response.url()}`);
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the chart and a table of fourteen weeks in words, the synced ones with numbers, axe clean', async () => {
    await connectAndShowWeek(stack, page, 'Connect Google Calendar', ALEX, /^Allow$/);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Balance' }).click();
    const rows = page.locator('#balance tbody tr');
    // The section is drawn again once the first sync is done: this week then has numbers.
    await expect
      .poll(() => page.locator('#balance tr[aria-current="date"] td').count(), { timeout: 30_000 })
      .toBeGreaterThan(1);
    expect(await rows.count()).toBe(14);
    await page.locator('#balance .balance-chart canvas').first().waitFor();
    const chart = page.getByRole('img', { name: /Bar chart of the hours with people and for engineering/ });
    expect(await chart.count()).toBe(1);
    // Weeks named in words, never as ISO dates.
    const labels = await page.locator('#balance tbody th').allTextContents();
    expect(labels).toHaveLength(14);
    for (const label of labels) {
      expect(label).toMatch(/^Week of /);
      expect(label).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
    expect(labels[11]).toContain('(this week)');
    expect(labels[13]).toContain('(in two weeks)');
    // This week's row and the sentence above the chart say the same split.
    const current = await page.locator('#balance tr[aria-current="date"]').textContent();
    expect(current).toMatch(/\d+(\.\d)? h/);
    expect(await page.locator('#balance-summary').textContent()).toMatch(
      /^This week: .+ with people \(\d+%\) and .+ for engineering \(\d+%\)\. Your target is 50% of your time with people\.$/,
    );
    // Weeks before the calendar was read back that far say so instead of showing zeros.
    const unavailable = await page.locator('#balance tbody td[colspan]').count();
    expect(unavailable).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#balance tbody td[colspan]').first().textContent()).toContain('Not available');
    expect(errors).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'balance');
    mkdirSync(README_IMAGES, { recursive: true });
    await page
      .locator('#balance')
      .screenshot({ path: `${README_IMAGES}/balance-chart.png`, animations: 'disabled' });
  }, 180_000);
});
