/**
 * Connect CSRF and login CSRF, played by two real Chromium browsers (two profiles: an attacker's and
 * a victim's) through the sandbox's Google consent page. A consent link or a callback URL carried from
 * one browser to the other must not finish the flow there: the flow belongs to the browser whose
 * nonce cookie `/auth/{provider}/start` set.
 */
import type { BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent, launchBrowser, signInAs, startStack, type Stack } from '../browser/harness.js';

const ATTACKER = 'mallory@sandbox.test';
const VICTIM = 'victim@sandbox.test';

describe('OAuth flows are bound to the browser that started them (two Chromium profiles)', () => {
  let stack: Stack;
  let attackerBrowser: Awaited<ReturnType<typeof launchBrowser>>;
  let victimBrowser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    stack = await startStack();
    for (const [email, name] of [
      [ATTACKER, 'Mallory'],
      [VICTIM, 'Vic Tim'],
    ] as const) {
      await stack.sandbox.createAccount({ provider: 'google', email, name, timeZone: 'Europe/Berlin' });
    }
    attackerBrowser = await launchBrowser();
    victimBrowser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await attackerBrowser?.close();
    await victimBrowser?.close();
    await stack?.close();
  });

  const connectionsOf = async (email: string) =>
    (
      await stack.t.db.query<{ user_id: string; account_email: string }>(
        'select user_id, account_email from connections where account_email = $1',
        [email],
      )
    ).rows;

  /** Waits for the browser's answer from the API's Google callback. */
  const callbackAnswer = (page: Page): Promise<Response> =>
    page.waitForResponse((r) => r.url().startsWith(`${stack.url}/auth/google/callback`));

  const sessionCookie = async (context: BrowserContext) =>
    (await context.cookies(stack.url)).find((c) => c.name === 'fl_session');

  it("connect CSRF: a victim who consents on an attacker's connect link gets a 403, and no calendar is attached to the attacker", async () => {
    const attackerId = await signInAs(stack, attackerBrowser.context, ATTACKER);
    const attackerPage = await attackerBrowser.context.newPage();
    // The attacker, signed in, starts connecting a calendar and stops at the consent page.
    await attackerPage.goto(`${stack.url}/auth/google/start?returnTo=/`);
    await attackerPage.waitForURL(new RegExp(`^${stack.sandbox.url}`));
    const consentLink = attackerPage.url();

    // The victim opens that link in their own browser and allows access to their calendar.
    const victimPage = await victimBrowser.context.newPage();
    await victimPage.goto(consentLink);
    const answer = callbackAnswer(victimPage);
    await consent(victimPage, VICTIM, /^Allow$/);
    const response = await answer;
    expect(response.status()).toBe(403);
    // A navigation gets the error page in plain words; it names the same code.
    expect(await response.text()).toContain('error FL_OAUTH_BROWSER_MISMATCH (HTTP 403)');

    expect(await connectionsOf(VICTIM)).toEqual([]);
    const attackerConnections = await stack.t.db.query('select id from connections where user_id = $1', [
      attackerId,
    ]);
    expect(attackerConnections.rows).toEqual([]);
    expect(await sessionCookie(victimBrowser.context)).toBeUndefined();
    await attackerPage.close();
    await victimPage.close();
  });

  it("login CSRF: an attacker's callback URL opened in the victim's browser is refused and signs nobody in there", async () => {
    // Signed out: a sign-in flow, not a connect flow.
    await attackerBrowser.context.clearCookies();
    const attackerPage = await attackerBrowser.context.newPage();
    // The attacker signs in with their own account but keeps the callback URL instead of loading it.
    let stolenCallback: string | undefined;
    // (A redirect's target is not routed, so the consent answer itself is read and not followed.)
    await attackerPage.route(
      (url) => url.href.startsWith(stack.sandbox.url),
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const answer = await route.fetch({ maxRedirects: 0 });
        stolenCallback = answer.headers()['location'];
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'kept the callback URL' });
      },
    );
    await attackerPage.goto(`${stack.url}/auth/google/start?returnTo=/`);
    await attackerPage.waitForURL(new RegExp(`^${stack.sandbox.url}`));
    await consent(attackerPage, ATTACKER, /^Allow$/);
    await expect.poll(() => stolenCallback).toBeDefined();

    // The victim's browser is lured to it (a link, an image, a redirect from another site).
    const victimPage = await victimBrowser.context.newPage();
    const response = await victimPage.goto(stolenCallback!);
    expect(response?.status()).toBe(403);
    expect(await response?.text()).toContain('error FL_OAUTH_BROWSER_MISMATCH (HTTP 403)');
    expect(await sessionCookie(victimBrowser.context)).toBeUndefined();
    // Not signed in as the attacker: the page offers sign-in, it shows no account.
    const me = await victimPage.request.get(`${stack.url}/api/v1/me`);
    expect(me.status()).toBe(401);
    expect(await connectionsOf(ATTACKER)).toEqual([]);
    await attackerPage.close();
    await victimPage.close();
  });

  it('the browser that started a sign-in still finishes it, and its nonce cookie is HttpOnly, Lax and cleared after use', async () => {
    const page = await victimBrowser.context.newPage();
    await page.goto(`${stack.url}/auth/google/start?returnTo=/`);
    await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));
    const nonce = (await victimBrowser.context.cookies(stack.url)).find((c) => c.name === 'fl_oauth');
    expect(nonce).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(nonce!.expires - Date.now() / 1000).toBeLessThanOrEqual(600);
    const answer = callbackAnswer(page);
    await consent(page, VICTIM, /^Allow$/);
    expect((await answer).status()).toBe(303);
    await page.waitForURL(`${stack.url}/`);
    expect(await sessionCookie(victimBrowser.context)).toBeDefined();
    expect((await victimBrowser.context.cookies(stack.url)).some((c) => c.name === 'fl_oauth')).toBe(false);
    expect(await connectionsOf(VICTIM)).toHaveLength(1);
    await page.close();
  });
});
