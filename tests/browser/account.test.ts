/**
 * The account section in a real browser: an API token is shown once and works as a Bearer token
 * until revoked; the page is usable from the keyboard; deleting the account needs the email typed
 * and leaves the visitor signed out with their data gone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  signInAs,
  startStack,
  type Stack,
} from './harness.js';

const EMAIL = 'account@example.com';

describe('browser: account section', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let userId: string;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    userId = await signInAs(stack, browser.context, EMAIL);
    page = await browser.context.newPage();
    await page.goto(`${stack.url}/#account`);
    await page.locator('body[data-ready="true"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const me = (token: string) =>
    fetch(`${stack.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  it('creates an API token shown once, which works until it is revoked from the page', async () => {
    await page.getByLabel('Token name').fill('laptop-cli');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.locator('#new-token code');
    await shown.waitFor();
    const token = (await shown.textContent())!;
    expect(token).toMatch(/^flp_/);
    expect((await me(token)).status).toBe(200);
    await screenshot(page, 'account-token-once');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Revoke token laptop-cli' }).click();
    await expect.poll(() => page.locator('#account tbody tr').first().textContent()).toMatch(/revoked/);
    expect(await page.content()).not.toContain(token);
    expect((await me(token)).status).toBe(401);
  });

  it('is reachable from the keyboard: the first Tab lands on the skip link, which moves focus to the content', async () => {
    await page.goto(`${stack.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.locator(':focus').getAttribute('id')).toBe('main');
  });

  it('deletes the account only after the email is typed, then shows the signed-out page', async () => {
    const button = page.getByRole('button', { name: 'Delete my account' });
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Your email address').fill('someone-else@example.com');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Your email address').fill(EMAIL);
    await button.click();
    await page.waitForURL(`${stack.url}/`);
    await page.getByRole('link', { name: 'Connect Google Calendar' }).waitFor();
    const { rows } = await stack.t.db.query('select id from users where id = $1', [userId]);
    expect(rows).toEqual([]);
  });
});
