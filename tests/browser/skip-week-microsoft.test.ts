/**
 * A skip week on Microsoft 365 in a real browser: Microsoft cannot restore a cancelled occurrence, so
 * the preview says so before apply, and "Apply all" asks first. Saying no applies nothing; saying yes
 * applies the plan.
 */
import type { Dialog, Page } from 'playwright-core';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAndShowWeek,
  launchBrowser,
  seriousA11yViolations,
  settle,
  planNowUntil,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@contoso.sandbox.test';

describe('browser: skip week on Microsoft 365 asks before cancellations that cannot be undone', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  /** The confirmation questions the page asked, and how the user answers the irreversible one. */
  const asked: string[] = [];
  let acceptIrreversible = false;

  const cancellations = () => page.locator('#week .op-item.op-cancel');
  /**
   * The plans still current or applied. A preview superseded before this suite acts (the plan after
   * the first sync, when the saved preferences come after its debounce) is left out.
   */
  const plans = async () =>
    (
      await stack.t.db.query<{ id: string; state: string }>(
        `select id, state from plans where kind = 'plan' and state <> 'superseded'`,
      )
    ).rows;

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync', 'planner'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (dialog: Dialog) => {
      asked.push(dialog.message());
      const irreversible = /cannot restore/.test(dialog.message());
      void (irreversible && !acceptIrreversible ? dialog.dismiss() : dialog.accept());
    });
    await connectAndShowWeek(stack, page, 'Connect Microsoft 365', ALEX, /^Accept$/);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the preview marks each skip-week cancellation "Cannot be undone" and warns above the buttons', async () => {
    const today = Temporal.Now.zonedDateTimeISO('Europe/Berlin').toPlainDate();
    const monday = today.subtract({ days: today.dayOfWeek - 1 });
    await page.getByLabel('Last skip week before Frontload').fill(monday.subtract({ weeks: 5 }).toString());
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Preferences saved.');
    await planNowUntil(stack, page, async () => (await cancellations().count()) > 0);
    // The save and "Plan now" each asked for a plan; the next test acts on the newest, so wait for it.
    await settle(stack, page);
    expect(await cancellations().count()).toBeGreaterThan(0);
    for (const text of await cancellations().allTextContents())
      expect(text).toMatch(/Cannot be undone: .*cannot restore a cancelled occurrence/);
    expect(await page.locator('.irreversible-warning').textContent()).toMatch(
      /Microsoft 365 cannot restore a cancelled occurrence/,
    );
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);

  it('"Apply all" asks first; saying no applies nothing, saying yes applies the plan', async () => {
    const [before] = await plans();
    await page.getByRole('button', { name: 'Apply all' }).click();
    await expect.poll(() => asked.some((q) => /cannot restore/.test(q))).toBe(true);
    await expect.poll(async () => (await plans())[0]?.state).toBe(before!.state);
    expect(await plans()).toEqual([before]);
    expect(before!.state).toBe('confirm_required');

    acceptIrreversible = true;
    await page.getByRole('button', { name: 'Apply all' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Applying \d+ change\(s\)/);
    await expect
      .poll(async () => (await plans()).find((p) => p.id === before!.id)?.state, { timeout: 60_000 })
      .toBe('applied');
  }, 120_000);
});
