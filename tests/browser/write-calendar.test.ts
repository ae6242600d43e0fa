/**
 * The Connections section in a real browser: with two calendars connected, it says which one
 * Frontload writes to (the first connected) and lets the user pick the other, which then takes the
 * writes while the first only counts as busy.
 */
import { repositories } from '@frontload/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, seriousA11yViolations, signInAs, startStack, type Stack } from './harness.js';

const EMAIL = 'two-calendars@example.com';

describe('browser: the calendar Frontload writes to', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let userId: string;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    userId = await signInAs(stack, browser.context, EMAIL);
    const repos = repositories(stack.t.db);
    for (const [provider, account] of [
      ['google', 'work@example.com'],
      ['microsoft', 'home@example.com'],
    ] as const) {
      const { row } = await repos.connections.upsert({
        userId,
        provider,
        accountSubject: account,
        accountEmail: account,
        sealedTokens: 'v1.x',
        scopes: [],
      });
      await stack.t.db.query(`update connections set status = 'healthy' where id = $1`, [row.id]);
    }
    page = await browser.context.newPage();
    await page.goto(`${stack.url}/#connections`);
    await page.locator('body[data-ready="true"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const row = (provider: string) => page.locator(`li.connection[data-provider="${provider}"]`);

  it('shows the first connected calendar as the one written to, and moves the writes to the one the user picks', async () => {
    await expect.poll(() => row('google').textContent()).toContain('Frontload writes here');
    expect(await row('microsoft').textContent()).toContain('Its busy time counts; nothing is written to it.');
    // The button's accessible name starts with its visible text (axe: label-content-name-mismatch).
    expect(await seriousA11yViolations(page)).toEqual([]);

    await row('microsoft').getByRole('button', { name: 'Write here instead: home@example.com' }).click();
    await expect.poll(() => row('microsoft').textContent()).toContain('Frontload writes here');
    expect(await row('google').textContent()).toContain('Its busy time counts; nothing is written to it.');
    const planning = await repositories(stack.t.db).connections.forPlanning(userId);
    expect(planning.write?.account_email).toBe('home@example.com');
    expect(planning.busyOnly.map((c) => c.account_email)).toEqual(['work@example.com']);
  });
});
