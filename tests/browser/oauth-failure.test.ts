/**
 * A sign-in that fails, in a real browser: Deny on Google's consent page, Cancel on Microsoft's, Allow
 * on an earlier consent page gone back to after starting again, a callback link opened again (the
 * back button after a sign-in) and a made-up one each end on a page
 * in plain words with the same status code as before, and its "Back to Frontload" link leads to the
 * settings page. An API client asking for JSON still gets the coded body.
 */
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consent,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex@sandbox.test';
const MORGAN = 'morgan@sandbox.test';

describe('browser: a failed sign-in ends on a page that says what happened', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    await stack.sandbox.createAccount({ provider: 'google', email: ALEX, name: 'Alex', timeZone: 'UTC' });
    await stack.sandbox.createAccount({
      provider: 'microsoft',
      email: MORGAN,
      name: 'Morgan',
      timeZone: 'UTC',
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** The browser's answer from the API's callback for `provider`. */
  const callbackAnswer = (provider: string): Promise<Response> =>
    page.waitForResponse((r) => r.url().startsWith(`${stack.url}/auth/${provider}/callback`));

  /** From the settings page, follows a connect link to the provider's consent page. */
  const openConsent = async (link: string) => {
    await page.goto(stack.url);
    await page.getByRole('link', { name: link }).click();
    await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));
  };

  const connections = async () => (await stack.t.db.query('select id from connections')).rows.length;

  it('Deny on Google’s consent page: a 400 page says no access was given and nothing was connected; its link leads back to the settings page', async () => {
    await openConsent('Connect Google Calendar');
    const answer = callbackAnswer('google');
    await page.getByRole('button', { name: 'Deny' }).click();
    expect((await answer).status()).toBe(400);
    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.textContent()).toBe('Google did not give Frontload access');
    expect(await page.locator('main').textContent()).toContain(
      'No calendar was connected and nothing in your calendar changed.',
    );
    expect(await page.title()).toBe('Google did not give Frontload access — Frontload');
    await screenshot(page, 'oauth-denied');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await connections()).toBe(0);
    await page.getByRole('link', { name: 'Back to Frontload' }).click();
    await page.waitForURL(`${stack.url}/`);
    await expect
      .poll(() => page.getByRole('link', { name: 'Connect Google Calendar' }).isVisible())
      .toBe(true);
  });

  it('Cancel on Microsoft’s consent page ends on the same kind of page, naming Microsoft', async () => {
    await openConsent('Connect Microsoft 365');
    const answer = callbackAnswer('microsoft');
    await page.getByLabel(new RegExp(MORGAN.replace(/[.]/g, '\\.'))).check();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await answer).status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Microsoft did not give Frontload access',
    );
    expect(await page.getByRole('link', { name: 'Back to Frontload' }).getAttribute('href')).toBe('/');
    expect(await connections()).toBe(0);
  });

  it('going back to an earlier consent page after starting again: Allow there ends on a 403 page, as only the newest sign-in of this browser can finish', async () => {
    await openConsent('Connect Google Calendar');
    const earlier = page.url();
    await page.goBack();
    await page.getByRole('link', { name: 'Connect Google Calendar' }).click();
    await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));
    // Back twice, to the first consent page (its flow's nonce cookie was replaced by the second's).
    await page.goto(earlier);
    const answer = callbackAnswer('google');
    await consent(page, ALEX, /^Allow$/);
    expect((await answer).status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'This sign-in cannot be finished here',
    );
    expect(await page.locator('main').textContent()).toContain(
      'another sign-in was started in this browser after it',
    );
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await connections()).toBe(0);
    expect((await browser.context.cookies(stack.url)).some((c) => c.name === 'fl_session')).toBe(false);
  });

  it('a callback link opened again after signing in (the back button) is a 400 page telling to start again, and the user stays signed in', async () => {
    await openConsent('Connect Google Calendar');
    const answer = callbackAnswer('google');
    await consent(page, ALEX, /^Allow$/);
    const used = (await answer).url();
    await page.waitForURL(`${stack.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await connections()).toBe(1);
    const replay = await page.goto(used);
    expect(replay?.status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'This sign-in link cannot be used any more',
    );
    expect(await page.locator('main').textContent()).toContain('going back in the browser');
    await screenshot(page, 'oauth-link-used');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await connections()).toBe(1);
    await page.getByRole('link', { name: 'Back to Frontload' }).click();
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('#whoami').textContent()).toContain(ALEX);
  });

  it('a made-up state is the same 400 page for the browser, and the FL_OAUTH_STATE_INVALID JSON for a client asking for JSON', async () => {
    const url = `${stack.url}/auth/google/callback?state=made-up&code=x`;
    const answer = await page.goto(url);
    expect(answer?.status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'This sign-in link cannot be used any more',
    );
    const json = await page.request.get(url, { headers: { accept: 'application/json' } });
    expect(json.status()).toBe(400);
    expect(await json.json()).toMatchObject({ code: 'FL_OAUTH_STATE_INVALID' });
  });
});
