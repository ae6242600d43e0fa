/**
 * The settings page without reloads, in a real browser: alert links (`/#week-YYYY-MM-DD`,
 * `/#connections`, as the notifier writes them) land on their section and draw the week they name;
 * a connection's first sync is followed with conditional GETs (304 while nothing changed) and drawn
 * when it ends; and a follow that waits too long stops and says so. No worker runs here: the test
 * moves the connection along itself, so what the page shows comes from following alone.
 */
import { repositories } from '@frontload/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, seriousA11yViolations, signInAs, startStack, type Stack } from './harness.js';

const EMAIL = 'links@example.com';

/** A plain date `days` after today (UTC), moved back to its Monday. */
function mondayIn(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** Where focus is now: the id of the focused element, or of the section holding it. */
const focusedSection = (page: Page) =>
  page.evaluate<string | null>(
    `(() => { const el = document.activeElement; return el?.closest('section')?.id ?? el?.id ?? null; })()`,
  );

/** The top of an element relative to the viewport (0: scrolled to it). */
const topOf = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => Math.round(el.getBoundingClientRect().top));

describe('browser: alert links land on their section, and the page follows a first sync by itself', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let connectionId: string;

  /** Opens the page afresh at `hash` (a page already open would only follow the new fragment). */
  const openAt = async (hash: string) => {
    await page.goto('about:blank');
    await page.goto(`${stack.url}/${hash}`);
    await page.locator('body[data-ready="true"]').waitFor();
  };

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    const userId = await signInAs(stack, browser.context, EMAIL);
    const { row } = await repositories(stack.t.db).connections.upsert({
      userId,
      provider: 'google',
      accountSubject: 'links-subject',
      accountEmail: EMAIL,
      sealedTokens: 'v1.sealed-for-tests',
      scopes: [],
    });
    connectionId = row.id;
    await stack.t.db.query(
      `update connections set status = 'healthy', last_synced_at = now() where id = $1`,
      [connectionId],
    );
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a week link to a week not being planned draws that week and lands on it', async () => {
    const week = mondayIn(42);
    await openAt(`#week-${week}`);
    const heading = page.locator('#week figure h3').first();
    expect(await heading.textContent()).toMatch(/^Week of /);
    expect(await page.locator('#week .linked-week').textContent()).toContain(
      'as the link you followed asked',
    );
    expect(await focusedSection(page)).toBe('week');
    expect(Math.abs(await topOf(page, '#week :focus'))).toBeLessThan(5);
    // The events asked for are that week's (and the next), not the weeks being planned.
    const asked = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((name) => name.includes('/api/v1/events?')),
    );
    const from = new URL(asked.at(-1)!).searchParams.get('from')!;
    expect(Date.parse(from)).toBe(Date.parse(`${week}T00:00:00Z`) - 14 * 3_600_000);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('a week link to a week being planned shows the usual weeks, and lands on the week section', async () => {
    await openAt(`#week-${mondayIn(7)}`);
    expect(await page.locator('#week .linked-week').count()).toBe(0);
    expect(await page.locator('#week figure h3').first().textContent()).toMatch(/^(This|Coming) week/);
    expect(await focusedSection(page)).toBe('week');
  });

  it('following a week link while the page is open draws its week; "Show the weeks being planned" goes back', async () => {
    await page.evaluate(`window.location.hash = 'week-${mondayIn(56)}'`);
    await expect.poll(() => page.locator('#week figure h3').first().textContent()).toMatch(/^Week of /);
    expect(await focusedSection(page)).toBe('week');
    await page.getByRole('link', { name: 'Show the weeks being planned' }).click();
    await expect
      .poll(() => page.locator('#week figure h3').first().textContent())
      .toMatch(/^(This|Coming) week/);
  });

  it('a connections link lands on the calendar accounts, also when followed from further down the page', async () => {
    await openAt('#connections');
    expect(await focusedSection(page)).toBe('connect');
    await openAt('#webhooks');
    expect(await page.evaluate<number>('window.scrollY')).toBeGreaterThan(0);
    await page.evaluate(`window.location.hash = 'connections'`);
    await expect.poll(() => focusedSection(page)).toBe('connect');
    expect(Math.abs(await topOf(page, '#connect'))).toBeLessThan(5);
  });

  it('a first sync is followed with 304s while nothing changes, then drawn in the zone it read', async () => {
    await stack.t.db.query(`update connections set status = 'syncing', last_synced_at = null where id = $1`, [
      connectionId,
    ]);
    const answers: number[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/api/v1/connections') answers.push(res.status());
    });
    await openAt('');
    const item = page.locator('li.connection');
    expect(await item.textContent()).toContain('Last synced: not yet');
    expect(await page.locator('#status').textContent()).toMatch(/^Syncing your calendar/);
    await expect.poll(() => answers.filter((s) => s === 304).length, { timeout: 10_000 }).toBeGreaterThan(0);
    // The sync read the calendar's zone: the page, in UTC until then, draws in it from now on.
    await stack.t.db.query(
      `update connections set status = 'healthy', time_zone = 'Asia/Tokyo',
         last_synced_at = '2026-12-07T00:30:00Z' where id = $1`,
      [connectionId],
    );
    // The page asks every 2 s.
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 10_000 })
      .toBe(`Synced ${EMAIL}: the week below shows your calendar.`);
    expect(await item.locator('.badge[class*="status-"]').textContent()).toBe('Healthy');
    expect(await item.textContent()).toMatch(/Last synced: .*\D0?9:30/);
  });

  it('a follow that waits too long stops after 3 minutes and says so, without claiming the sync ended', async () => {
    await stack.t.db.query(`update connections set status = 'syncing', last_synced_at = null where id = $1`, [
      connectionId,
    ]);
    const fresh = await browser.context.newPage();
    await fresh.clock.install();
    await fresh.goto(stack.url);
    await fresh.locator('body[data-ready="true"]').waitFor();
    expect(await fresh.locator('#status').textContent()).toMatch(/^Syncing your calendar/);
    await fresh.clock.fastForward('03:05');
    await expect
      .poll(() => fresh.locator('#status').textContent())
      .toBe(
        'Still waiting for your calendar to sync after 3 minutes; reload the page later to see how it ended.',
      );
    expect(await fresh.locator('li.connection').textContent()).toContain('Last synced: not yet');
    await fresh.close();
  });
});
