/**
 * Journeys 1 and 2 in a real browser: a fresh user connects Google (then Microsoft) through the
 * sandbox's consent pages and lands back on the settings page signed in, with the connection
 * listed. With the sync and planner workers running (push on loopback), the week grid shows the
 * synced week, the plan preview with reasons, apply all, and undo from History — each checked
 * against the sandbox's own calendar too. The page is never reloaded to see what the workers did: it
 * follows the first sync, a plan asked for, a run and its undo by itself.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCREENSHOTS,
  consent,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  startStack,
  withWorkerLogs,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';

/** A Google event as the sandbox lists it (only the fields read here). */
interface SandboxEvent {
  summary?: string;
  status?: string;
}

describe('browser: connect a calendar from the settings page', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync', 'planner'] });
    browser = await launchBrowser();
    context = browser.context;
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const userMode = async () =>
    (await stack.t.db.query<{ mode: string }>('select mode from users where email = $1', [ALEX])).rows[0]
      ?.mode;
  /** Live events at the sandbox titled as our focus blocks, read through its control API. */
  const sandboxFocusBlocks = async () => {
    const accounts = await stack.sandbox.control<{ id: string; email: string }[]>(
      'GET',
      '/accounts?provider=google',
    );
    const alex = accounts.find((a) => a.email === ALEX)!;
    const events = await stack.sandbox.control<{ items?: SandboxEvent[] } | SandboxEvent[]>(
      'GET',
      `/accounts/${alex.id}/events`,
    );
    const items = Array.isArray(events) ? events : (events.items ?? []);
    return items.filter((e) => e.summary === 'Focus time' && e.status !== 'cancelled').length;
  };

  it('shows a signed-out visitor only the two connect buttons, with no serious accessibility issue', async () => {
    await page.goto(stack.url);
    await expect
      .poll(() => page.getByRole('link', { name: 'Connect Google Calendar' }).isVisible())
      .toBe(true);
    expect(await page.getByRole('link', { name: 'Connect Microsoft 365' }).isVisible()).toBe(true);
    expect(await page.locator('#preferences').isVisible()).toBe(false);
    await screenshot(page, '1-signed-out');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('journey 1: Connect Google → sandbox consent → back on the page signed in, connection listed', async () => {
    await page.getByRole('link', { name: 'Connect Google Calendar' }).click();
    await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));
    await screenshot(page, '1-google-consent');
    await consent(page, ALEX, /^Allow$/);
    await page.waitForURL(`${stack.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    const item = page.locator('li.connection[data-provider="google"]');
    await expect.poll(() => item.textContent()).toContain(ALEX);
    // The connection's state (the page may already show it synced, beside "Frontload writes here").
    expect(await item.locator('.badge[class*="status-"]').textContent()).toMatch(/Syncing|Healthy/);
    expect(await page.locator('#whoami').textContent()).toContain(ALEX);
    const cookies = await context.cookies(stack.url);
    expect(cookies.find((c) => c.name === 'fl_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await screenshot(page, '1-signed-in');
  });

  it('journey 1: the week grid draws the synced calendar with both halves shaded, reasons on focus', async () => {
    // The sync worker fills the mirror in the background; the page follows the first sync by itself.
    const item = page.locator('li.connection[data-provider="google"]');
    await expect
      .poll(() => page.locator('#week .event').count(), { timeout: 45_000, interval: 500 })
      .toBeGreaterThan(0);
    expect(await item.locator('.badge[class*="status-"]').textContent()).toBe('Healthy');
    expect(await item.textContent()).not.toContain('Last synced: not yet');
    expect(await page.locator('#week .half-first').count()).toBeGreaterThan(0);
    expect(await page.locator('#week .half-second').count()).toBeGreaterThan(0);
    const first = page.locator('#week .event').first();
    await first.focus();
    expect(await first.locator('.tip').isVisible()).toBe(true);
    expect(await page.locator('#week meter').count()).toBe(6);
    await page.locator('#week').screenshot({ path: `${SCREENSHOTS}week-view.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, '1-week-dark');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('journey 1: the preview shows the planned changes with their reasons, on the grid and in the list', async () => {
    // The planner also plans by itself after a sync; asking now makes sure it plans on the full mirror.
    await page.getByRole('button', { name: 'Plan now' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Planning/);
    // No reload: the page follows the plan it asked for and says so when the preview is drawn.
    await withWorkerLogs(stack, () =>
      expect
        .poll(() => page.locator('#status').textContent(), { timeout: 60_000, interval: 500 })
        .toMatch(/^(The new plan preview is shown|Planned again: nothing changed)/),
    );
    expect(await page.locator('#week .op-item').count()).toBeGreaterThan(0);
    const block = page.locator('#week .event.op').first();
    await block.focus();
    const tip = block.locator('.tip');
    expect(await tip.isVisible()).toBe(true);
    const reasons = await page.locator('#week .op-item .reason').allTextContents();
    expect(reasons).toContain((await tip.textContent())!.replace(/(Would email: .*|Nobody is emailed)$/, ''));
    expect(await page.locator('#week .op-item .emails').first().textContent()).toMatch(/Would email|Nobody/);
    await page.locator('#week').screenshot({ path: `${SCREENSHOTS}1-plan-preview.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 90_000);

  it('journey 1: the mode switch turns autopilot on and off, stored for the user', async () => {
    const mode = page.getByRole('button', { name: /^Mode:/ });
    await mode.click();
    await expect.poll(() => mode.getAttribute('aria-pressed')).toBe('true');
    expect(await userMode()).toBe('autopilot');
    // Back to preview so this journey applies by hand and its undo is not re-planned behind its back.
    await mode.click();
    await expect.poll(() => mode.getAttribute('aria-pressed')).toBe('false');
    expect(await userMode()).toBe('preview');
  });

  it('journey 1: apply all → the grid shows the new week, and the sandbox calendar agrees', async () => {
    const planned = await page.locator('#week .op-item.op-focus').count();
    expect(planned).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Apply all' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Applying \d+ change/);
    await expect
      .poll(() => page.locator('#week .ev-focus').count(), { timeout: 60_000, interval: 500 })
      .toBe(planned);
    expect(await page.locator('#status').textContent()).toMatch(/^The plan was applied/);
    expect(await sandboxFocusBlocks()).toBe(planned);
    await page.locator('#week').screenshot({ path: `${SCREENSHOTS}1-applied-week.png` });
  }, 90_000);

  it('journey 1: undo from History puts the week back as it was, here and at the sandbox', async () => {
    // History was drawn again when the run finished (the page followed it).
    const finishedRun = '#history li[data-state="applied"], #history li[data-state="partially_applied"]';
    await expect
      .poll(() => page.locator(finishedRun).count(), { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(0);
    const undo = page.locator(finishedRun).getByRole('button', { name: /^Undo/ });
    await undo.first().click({ timeout: 60_000 });
    await expect.poll(() => page.locator('#status').textContent()).toBe('Undoing the run…');
    await expect
      .poll(() => page.locator('#week .ev-focus').count(), { timeout: 60_000, interval: 500 })
      .toBe(0);
    expect(await sandboxFocusBlocks()).toBe(0);
    await screenshot(page, '1-after-undo');
  }, 180_000);

  it('journey 1: a detected 1:1 partner can be marked protected, and it sticks', async () => {
    const rows = page.locator('#people tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const email = (await rows.first().getAttribute('data-email'))!;
    await rows
      .first()
      .getByRole('checkbox', { name: /Protected/ })
      .check();
    await expect.poll(() => page.locator('#status').textContent()).toContain('protected on');
    const { rows: stored } = await stack.t.db.query<{ protected: boolean }>(
      'select protected from people where email = $1',
      [email],
    );
    expect(stored).toEqual([{ protected: true }]);
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    expect(
      await page
        .locator(`#people tr[data-email="${email}"]`)
        .getByRole('checkbox', { name: /Protected/ })
        .isChecked(),
    ).toBe(true);
  });

  it('journey 2: a fresh user connects Microsoft 365 through its consent page the same way', async () => {
    await stack.sandbox.createAccount({
      provider: 'microsoft',
      email: 'morgan@sandbox.test',
      name: 'Morgan Lee',
      timeZone: 'America/New_York',
    });
    await context.clearCookies();
    await page.goto(stack.url);
    await page.getByRole('link', { name: 'Connect Microsoft 365' }).click();
    await page.waitForURL(new RegExp(`^${stack.sandbox.url}`));
    await screenshot(page, '2-microsoft-consent');
    await consent(page, 'morgan@sandbox.test', /^Accept$/);
    await page.waitForURL(`${stack.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    const item = page.locator('li.connection[data-provider="microsoft"]');
    await expect.poll(() => item.textContent()).toContain('morgan@sandbox.test');
    expect(await page.locator('#whoami').textContent()).toContain('morgan@sandbox.test');
    expect(await page.locator('li.connection').count()).toBe(1);
    await screenshot(page, '2-microsoft-connected');
  });

  it('disconnects an account from its row: it leaves the list and no live connection remains', async () => {
    const item = page.locator('li.connection[data-provider="microsoft"]');
    await item.getByRole('button', { name: 'Disconnect morgan@sandbox.test' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Disconnected morgan@sandbox.test.');
    // Marked disconnected at once; the sync worker's cleanup job then removes the row altogether.
    const state = async () =>
      (await item.count()) === 0 ? 'gone' : await item.locator('.badge[class*="status-"]').textContent();
    await expect.poll(state).toMatch(/^(gone|Disconnected)$/);
    expect(await page.getByRole('button', { name: /^Disconnect/ }).count()).toBe(0);
    const { rows } = await stack.t.db.query<{ status: string }>(
      "select status from connections where provider = 'microsoft' and status <> 'disconnected'",
    );
    expect(rows).toEqual([]);
  });
});
