/**
 * Journey 5 in a real browser: a preference the server refuses is shown next to its field, with
 * the field marked invalid, and nothing is saved; a valid change then saves. Also the preview of
 * what a skip-week cancellation sends follows the message as it is typed: the message word for word,
 * as the planner puts it into each cancellation, with no subject or signature Frontload never sends.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCREENSHOTS,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  signInAs,
  startStack,
  type Stack,
} from './harness.js';

describe('browser: preferences form', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let userId: string;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    userId = await signInAs(stack, browser.context, 'prefs@example.com');
    page = await browser.context.newPage();
    await page.goto(`${stack.url}/#preferences`);
    await page.locator('body[data-ready="true"]').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const storedRows = async () =>
    (await stack.t.db.query('select data from preferences where user_id = $1', [userId])).rows;

  it('journey 5: shows a cross-field error next to its field, marks it invalid, and saves nothing', async () => {
    await page.getByLabel('Shortest block (minutes)').fill('300');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    const minError = page.locator('#pref-focus-minBlockMinutes-error');
    await expect.poll(() => minError.textContent()).toMatch(/shortest focus block/i);
    expect(await page.getByLabel('Shortest block (minutes)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#pref-focus-targetHours-error').textContent()).toBe('');
    expect(await page.locator('.form-summary').textContent()).toMatch(/Nothing was saved/);
    // The error is announced with the field: it is part of the field's accessible description.
    expect(await page.getByLabel('Shortest block (minutes)').getAttribute('aria-describedby')).toContain(
      'pref-focus-minBlockMinutes-error',
    );
    expect(await storedRows()).toEqual([]);
    await page.locator('#preferences').screenshot({ path: `${SCREENSHOTS}5-validation-error.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('journey 5: an out-of-range value, then inverted working hours, are each refused at their field', async () => {
    await page.getByLabel('Shortest block (minutes)').fill('90');
    await page.getByLabel('Target hours per week').fill('99');
    await page.locator('#pref-workingHours-end').fill('08:00');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    // Ranges are checked first (by the schema); rules across fields only once every field is in range.
    await expect.poll(() => page.locator('#pref-focus-targetHours-error').textContent()).toMatch(/60/);
    expect(await page.locator('#pref-focus-minBlockMinutes-error').textContent()).toBe('');
    await page.getByLabel('Target hours per week').fill('10');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.locator('#pref-workingHours-end-error').textContent()).toMatch(/end after/);
    expect(await page.locator('#pref-focus-targetHours-error').textContent()).toBe('');
    expect(await storedRows()).toEqual([]);
  });

  it('previews the skip-week note as the message is typed, word for word with no invented subject or signature, then saves a valid form', async () => {
    await page.locator('#pref-workingHours-end').fill('17:00');
    const message = 'No 1:1 this week — take the time back.\nPing me if anything is urgent.';
    await page.getByLabel('Cancellation message').fill(message);
    const preview = page.locator('#skip-email-preview');
    // The note is the message exactly; the provider's notice carries it and Frontload adds nothing.
    expect(await page.locator('#skip-email-note').textContent()).toBe(message);
    expect(await preview.textContent()).toContain(
      'Frontload adds this note to it, word for word, and nothing else',
    );
    expect(await preview.textContent()).not.toMatch(/Subject:|via Frontload|prefs@example\.com/);
    await page.getByLabel('Cancellation message').fill('');
    expect(await page.locator('#skip-email-note').count()).toBe(0);
    expect(await preview.textContent()).toContain('No note yet');
    await page.getByLabel('Cancellation message').fill(message);
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Preferences saved.');
    const rows = await storedRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ data: { skipWeeks: { message }, workingHours: { end: '17:00' } } });
    await screenshot(page, '5-preferences-saved');
  });

  it('refuses a not-seen threshold past eight weeks at its field, then saves one in range', async () => {
    const field = page.getByLabel('Mark reports and partners not seen for (days)');
    // Saved before with the default the box showed.
    expect(await field.inputValue()).toBe('14');
    await field.fill('57');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.locator('#pref-notSeenDays-error').textContent()).toMatch(/56/);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect((await storedRows())[0]).toMatchObject({ data: { notSeenDays: 14 } });
    await field.fill('21');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect
      .poll(async () => ((await storedRows())[0] as { data: { notSeenDays?: number } }).data.notSeenDays)
      .toBe(21);
  });

  it('offers the focus time behaviour as labelled selects in the Focus group, "No" and "Available" by default, and saves a choice', async () => {
    const decline = page.getByLabel('Decline invitations over focus time');
    const chat = page.getByLabel('Google Chat status in focus time');
    const focusGroup = page.getByRole('group', { name: 'Focus time' });
    expect(await focusGroup.getByLabel('Decline invitations over focus time').count()).toBe(1);
    expect(await decline.locator('option').allTextContents()).toEqual([
      'No',
      'Only new invitations',
      'All conflicting invitations',
    ]);
    expect(await decline.inputValue()).toBe('none');
    expect(await chat.inputValue()).toBe('available');
    await decline.selectOption({ label: 'Only new invitations' });
    await chat.selectOption({ label: 'Do not disturb' });
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect
      .poll(async () => ((await storedRows())[0] as { data: { focus: Record<string, unknown> } }).data.focus)
      .toMatchObject({ autoDecline: 'new', chatStatus: 'doNotDisturb' });
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
