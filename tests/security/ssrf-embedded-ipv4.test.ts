/**
 * SSRF through IPv6 forms that embed an IPv4 address: IPv4-compatible (`[::127.0.0.1]`, which a URL
 * turns into `[::7f00:1]`; `[::a9fe:a9fe]`, the cloud metadata address) and IPv4-mapped
 * (`[::ffff:127.0.0.1]`) are the embedded address, and a webhook aimed at one is refused.
 */
import { buildTestApp, type TestApp } from '@frontload/api/testing';
import { checkWebhookUrl } from '@frontload/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const targets = [
  'https://[::127.0.0.1]/hook',
  'https://[::7f00:1]/hook',
  'https://[::a9fe:a9fe]/latest/meta-data/',
  'https://[::169.254.169.254]/latest/meta-data/',
  'https://[::a00:1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:a9fe:a9fe]/hook',
];

describe('webhook targets that embed a private IPv4 address in IPv6', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it.each(targets)('refuses %s when a webhook is created, storing nothing', async (url) => {
    const user = await t.signIn(`ssrf-${targets.indexOf(url)}@example.com`);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: user.headers,
      payload: { url, eventTypes: ['overload.tripped'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FL_WEBHOOK_URL_REFUSED' });
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from webhook_endpoints where user_id = $1',
      [user.userId],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('refuses the metadata and private forms even where a loopback receiver is allowed', () => {
    for (const url of targets.filter((u) => !/127\.0\.0\.1|7f00:1/.test(u))) {
      expect(checkWebhookUrl(url, { allowLoopback: true, allowHttp: true }).ok, url).toBe(false);
    }
  });
});
