/**
 * Journey 4 in a real browser: create a webhook endpoint (its secret shown once), send a test event
 * to a loopback receiver through the notifier worker, and see the delivery in the log; then rotate
 * and disable the endpoint. The form offers every event type the API accepts, and an endpoint's event
 * types can be changed afterwards.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_EVENT_TYPES } from '@frontload/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openFreshPage,
  screenshot,
  seriousA11yViolations,
  signInAs,
  startStack,
  type Stack,
} from './harness.js';

describe('browser: webhook endpoints from the settings page', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/frontload`;
    stack = await startStack({ workers: ['notifier'] });
    browser = await launchBrowser();
    await signInAs(stack, browser.context, 'webhooks@example.com');
    page = await browser.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('journey 4: creates an endpoint and shows its signing secret once, never after a reload', async () => {
    await page.goto(`${stack.url}/#webhooks`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByLabel('Endpoint URL').fill(receiverUrl);
    await page.getByLabel('Description').fill('Team alerts');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = page.locator('#webhooks .once code');
    await secret.waitFor();
    const value = (await secret.textContent())!;
    expect(value).toMatch(/^whsec_/);
    await screenshot(page, '4-webhook-secret-once');
    const fresh = await openFreshPage(stack, page, '/#webhooks');
    expect(await fresh.locator('li.endpoint').count()).toBe(1);
    expect(await fresh.content()).not.toContain(value);
    await fresh.close();
  });

  it('journey 4: a test-send reaches the loopback receiver, signed, and shows as delivered in the log', async () => {
    await page.getByRole('button', { name: `Send test: ${receiverUrl}` }).click();
    const row = page.locator('#webhooks table.deliveries tbody tr').first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('delivered');
    expect(await row.textContent()).toContain('webhook.test');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'webhook.test' });
    await screenshot(page, '4-webhook-delivery-log');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('journey 4: rotating shows a new secret once; disabling marks the endpoint disabled', async () => {
    await page.getByRole('button', { name: `Rotate secret: ${receiverUrl}` }).click();
    const secret = page.locator('#webhooks .once code');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: `Disable: ${receiverUrl}` }).click();
    await expect.poll(() => page.locator('li.endpoint .badge').first().textContent()).toBe('Disabled');
    const { rows } = await stack.t.db.query<{ enabled: boolean }>('select enabled from webhook_endpoints');
    expect(rows).toEqual([{ enabled: false }]);
  });

  it('the form offers every event type the API accepts, skip-week announcements included', async () => {
    const boxes = await page
      .locator('form[aria-label="Add a webhook endpoint"] input[name="eventTypes"]')
      .all();
    const offered = await Promise.all(boxes.map((box) => box.getAttribute('value')));
    expect(offered).toEqual([...WEBHOOK_EVENT_TYPES]);
    await page.getByLabel('Endpoint URL').fill(`${receiverUrl}/skip`);
    for (const type of WEBHOOK_EVENT_TYPES) {
      const box = page.locator(`form[aria-label="Add a webhook endpoint"] input[value="${type}"]`);
      await box.setChecked(type === 'skip_week.announced');
    }
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const item = page.locator('li.endpoint', { hasText: `${receiverUrl}/skip` });
    await expect.poll(() => item.locator('.endpoint-events').textContent()).toContain('skip_week.announced');
    const { rows } = await stack.t.db.query<{ event_types: string[] }>(
      'select event_types from webhook_endpoints where url = $1',
      [`${receiverUrl}/skip`],
    );
    expect(rows).toEqual([{ event_types: ['skip_week.announced'] }]);
  });

  it("edits an endpoint's event types from its row: saved, shown, and an empty choice is refused", async () => {
    const url = `${receiverUrl}/skip`;
    const item = page.locator('li.endpoint', { hasText: url });
    await item.getByText('Change events').click();
    const editor = page.getByRole('form', { name: `Events sent to ${url}` });
    await editor.getByLabel(/overload\.tripped/).check();
    await editor.getByLabel(/connection\.lost/).check();
    await editor.getByLabel(/skip_week\.announced/).uncheck();
    await editor.getByRole('button', { name: `Save events: ${url}` }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe(`${url} now receives: overload.tripped, connection.lost.`);
    const stored = async () =>
      (
        await stack.t.db.query<{ event_types: string[] }>(
          'select event_types from webhook_endpoints where url = $1',
          [url],
        )
      ).rows[0]?.event_types;
    expect(await stored()).toEqual(['overload.tripped', 'connection.lost']);
    const redrawn = page.locator('li.endpoint', { hasText: url });
    await expect
      .poll(() => redrawn.locator('.endpoint-events').textContent())
      .toContain('Events: overload.tripped, connection.lost');
    await redrawn.getByText('Change events').click();
    const again = page.getByRole('form', { name: `Events sent to ${url}` });
    await again.getByLabel(/overload\.tripped/).uncheck();
    await again.getByLabel(/connection\.lost/).uncheck();
    await again.getByRole('button', { name: `Save events: ${url}` }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('Choose at least one event, or disable the endpoint instead.');
    expect(await stored()).toEqual(['overload.tripped', 'connection.lost']);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
