import http from 'node:http';
import type { LookupFunction } from 'node:net';
import { RequestFilteringHttpAgent } from 'request-filtering-agent';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from './__fixtures__/local-server.js';
import type { AddressClass } from './address-class.js';
import { HttpTimeoutError, SecurityError, SsrfRefusedError } from './errors.js';
import { type SafeRequestOptions, safeRequest } from './safe-http.js';
import { generateWebhookSecret, signWebhook } from './webhook-signing.js';

/** A resolver for names this offline machine cannot resolve; unknown names fail like NXDOMAIN. */
function fakeDns(table: Record<string, string | string[]>): LookupFunction {
  return (hostname, options, callback) => {
    const entry = table[hostname];
    const addresses = (Array.isArray(entry) ? entry : entry === undefined ? [] : [entry]).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    setImmediate(() => {
      const first = addresses[0];
      if (!first) {
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
      } else if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** Awaits a promise that must reject with a SecurityError, and returns that error. */
async function refusal<T extends SecurityError = SecurityError>(promise: Promise<unknown>): Promise<T> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SecurityError);
  return outcome as T;
}

let server: LocalServer;
const dev = { allowHttp: true, allowLoopback: true } satisfies Partial<SafeRequestOptions>;

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const path = req.url;
    if (path.startsWith('/redirect?to=')) {
      const status = Number(new URL(path, server.origin).searchParams.get('status') ?? 302);
      res
        .writeHead(status, { location: new URL(path, server.origin).searchParams.get('to') ?? '/' })
        .end('moved');
    } else if (path === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 64; i += 1) res.write(chunk);
      res.end();
    } else if (path === '/hang') {
      // Never answer: the client's total deadline must end this.
    } else if (path === '/stall') {
      // Headers and a first chunk, then silence: the deadline covers the body too.
      res.writeHead(200).write('partial');
    } else if (path === '/gone') {
      res.writeHead(410).end('gone');
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'x-seen': 'a' }).end('{"ok":true}');
    }
  });
});

afterAll(() => server.close());

describe('safeRequest to an allowed loopback receiver', () => {
  it('delivers a signed POST that the receiver verifies with standardwebhooks', async () => {
    const secrets = [generateWebhookSecret(), generateWebhookSecret()];
    const body = JSON.stringify({ type: 'overload.tripped', week: '2026-W48' });
    const headers = signWebhook({ secrets, messageId: 'msg_loop', timestamp: new Date(), body });
    const before = server.requests.length;
    const response = await safeRequest({
      ...dev,
      url: `${server.origin}/hooks/frontload`,
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    expect(response).toMatchObject({ status: 200, body: '{"ok":true}', truncated: false, redirects: [] });
    expect(response.headers['x-seen']).toBe('a');
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    const received = server.requests[before];
    expect(received).toMatchObject({ method: 'POST', url: '/hooks/frontload', body });
    const receivedHeaders = received?.headers as Record<string, string>;
    for (const secret of secrets)
      expect(new Webhook(secret).verify(received?.body ?? '', receivedHeaders)).toEqual(JSON.parse(body));
  });

  it('returns any status as a result, 4xx and 5xx included', async () => {
    expect((await safeRequest({ ...dev, url: `${server.origin}/gone`, body: '{}' })).status).toBe(410);
  });

  it('reaches a name resolved to 127.0.0.1 when loopback is allowed (the lookup hook is in use)', async () => {
    const lookup = fakeDns({ 'receiver.example.com': '127.0.0.1' });
    const response = await safeRequest({
      ...dev,
      url: `http://receiver.example.com:${server.port}/named`,
      lookup,
    });
    expect(response.status).toBe(200);
    expect(server.requests.at(-1)?.headers.host).toBe(`receiver.example.com:${server.port}`);
  });
});

describe('safeRequest refusals', () => {
  it.each<[string, AddressClass]>([
    ['http://127.0.0.1:{port}/', 'loopback'],
    ['http://127.8.9.10:{port}/', 'loopback'],
    ['http://[::1]:{port}/', 'loopback'],
    ['http://2130706433:{port}/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://[fc00::1]/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://0.0.0.0:{port}/', 'unspecified'],
    ['http://[::]:{port}/', 'unspecified'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://[::ffff:127.0.0.1]:{port}/', 'loopback'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[64:ff9b::a00:1]/', 'private'],
  ])('refuses %s (%s) without sending anything', async (template, cls) => {
    const before = server.requests.length;
    const error = await refusal<SsrfRefusedError>(
      safeRequest({ allowHttp: true, url: template.replace('{port}', String(server.port)), body: 'x' }),
    );
    expect(error).toBeInstanceOf(SsrfRefusedError);
    expect(error).toMatchObject({ code: 'FL_SSRF_REFUSED', addressClass: cls });
    expect(server.requests.length).toBe(before);
  });

  it('refuses at connect time a hostname that resolves to 127.0.0.1', async () => {
    const before = server.requests.length;
    for (const url of [
      `http://evil.example.com:${server.port}/`,
      `https://evil.example.com:${server.port}/`,
    ]) {
      const lookup = fakeDns({ 'evil.example.com': '127.0.0.1' });
      const error = await refusal<SsrfRefusedError>(safeRequest({ allowHttp: true, url, body: 'x', lookup }));
      expect(error).toMatchObject({
        code: 'FL_SSRF_REFUSED',
        addressClass: 'loopback',
        address: '127.0.0.1',
      });
      expect(error.message).toContain('evil.example.com');
    }
    expect(server.requests.length).toBe(before);
  });

  it('refuses names resolving to mapped IPv6 or to a mix of public and private addresses', async () => {
    const lookup = fakeDns({
      'mapped.example.com': '::ffff:127.0.0.1',
      'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
      'meta.example.com': '169.254.169.254',
    });
    const classes = [];
    for (const host of ['mapped', 'mixed', 'meta']) {
      const url = `http://${host}.example.com:${server.port}/`;
      classes.push(
        (await refusal<SsrfRefusedError>(safeRequest({ allowHttp: true, url, lookup }))).addressClass,
      );
    }
    expect(classes).toEqual(['loopback', 'private', 'linkLocal']);
  });

  it('refuses lexically bad URLs before any lookup', async () => {
    let lookups = 0;
    const lookup: LookupFunction = (...args) => {
      lookups += 1;
      fakeDns({})(...args);
    };
    for (const url of ['http://example.com/', 'https://localhost/', 'https://a:b@example.com/', 'nope']) {
      expect(await refusal(safeRequest({ url, lookup }))).toMatchObject({
        code: 'FL_SSRF_REFUSED',
        addressClass: 'policy',
      });
    }
    expect(lookups).toBe(0);
  });

  it('request-filtering-agent alone also refuses literal and resolved loopback addresses', async () => {
    const viaAgent = (options: http.RequestOptions) =>
      new Promise<string>((resolve) => {
        const req = http.request({ ...options, agent: new RequestFilteringHttpAgent(), port: server.port });
        req.on('error', (error) => resolve(error.message));
        req.on('response', () => resolve('connected'));
        req.end();
      });
    expect(await viaAgent({ host: '127.0.0.1' })).toMatch(/not allowed/);
    const lookup = fakeDns({ 'evil.example.com': '127.0.0.1' });
    expect(await viaAgent({ host: 'evil.example.com', lookup })).toMatch(/not allowed/);
  });
});

describe('safeRequest redirects', () => {
  const redirectTo = (to: string, status = 302) =>
    `${server.origin}/redirect?to=${encodeURIComponent(to)}&status=${status}`;

  it('does not follow redirects by default: the 3xx is the result', async () => {
    const before = server.requests.length;
    const response = await safeRequest({ ...dev, url: redirectTo('http://10.0.0.1/admin'), body: 'x' });
    expect(response).toMatchObject({ status: 302, redirects: [], body: 'moved' });
    expect(response.headers.location).toBe('http://10.0.0.1/admin');
    expect(server.requests.length).toBe(before + 1);
  });

  it('re-checks every followed hop: private literal and private-resolving names are refused', async () => {
    await expect(
      safeRequest({ ...dev, url: redirectTo('http://10.0.0.1/admin'), followRedirects: 3 }),
    ).rejects.toMatchObject({ code: 'FL_SSRF_REFUSED', addressClass: 'private' });
    await expect(
      safeRequest({
        ...dev,
        url: redirectTo('http://169.254.169.254/latest/meta-data/'),
        followRedirects: 3,
      }),
    ).rejects.toMatchObject({ code: 'FL_SSRF_REFUSED', addressClass: 'linkLocal' });
    const lookup = fakeDns({ 'internal-api.example.com': '10.0.0.5' });
    await expect(
      safeRequest({
        ...dev,
        lookup,
        url: redirectTo('http://internal-api.example.com/x'),
        followRedirects: 3,
      }),
    ).rejects.toMatchObject({ code: 'FL_SSRF_REFUSED', addressClass: 'private', address: '10.0.0.5' });
  });

  it('follows allowed hops, keeping POST on 307 and switching to GET on 303', async () => {
    const kept = await safeRequest({
      ...dev,
      url: redirectTo('/final', 307),
      body: 'payload',
      followRedirects: 2,
    });
    expect(kept).toMatchObject({
      status: 200,
      redirects: [`${server.origin}/final`],
      url: `${server.origin}/final`,
    });
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', url: '/final', body: 'payload' });
    await safeRequest({ ...dev, url: redirectTo('/seen', 303), body: 'payload', followRedirects: 2 });
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', url: '/seen', body: '' });
  });

  it('drops credentials on a cross-origin hop and stops after followRedirects hops', async () => {
    const lookup = fakeDns({ 'other.example.com': '127.0.0.1' });
    const target = `http://other.example.com:${server.port}/landing`;
    await safeRequest({
      ...dev,
      lookup,
      url: redirectTo(target, 307),
      headers: { authorization: 'Bearer abc', 'webhook-id': 'msg_1' },
      followRedirects: 1,
    });
    expect(server.requests.at(-1)?.headers).toMatchObject({ 'webhook-id': 'msg_1' });
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
    const chain = redirectTo(redirectTo('/end'));
    const stopped = await safeRequest({ ...dev, url: chain, followRedirects: 1 });
    expect(stopped.status).toBe(302);
    expect(stopped.redirects).toHaveLength(1);
  });
});

describe('safeRequest limits', () => {
  it('caps the response body', async () => {
    const response = await safeRequest({ ...dev, url: `${server.origin}/big`, maxResponseBytes: 1000 });
    expect(response).toMatchObject({ status: 200, truncated: true });
    expect(response.body).toHaveLength(1000);
    const defaultCap = await safeRequest({ ...dev, url: `${server.origin}/big` });
    expect(Buffer.byteLength(defaultCap.body)).toBe(64 * 1024);
  });

  it('times out a receiver that never answers', async () => {
    const started = Date.now();
    const error = await refusal<HttpTimeoutError>(
      safeRequest({ ...dev, url: `${server.origin}/hang`, timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ code: 'FL_HTTP_TIMEOUT', phase: 'total', timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a receiver that stalls in the middle of the body', async () => {
    const error = await refusal<HttpTimeoutError>(
      safeRequest({ ...dev, url: `${server.origin}/stall`, timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ code: 'FL_HTTP_TIMEOUT', phase: 'total' });
  });

  it('refuses headers Node would reject, and sets Content-Length itself', async () => {
    const bad = safeRequest({ ...dev, url: `${server.origin}/`, headers: { 'x-bad': 'a\r\nx-injected: 1' } });
    expect((await refusal(bad)).code).toBe('FL_HTTP_FAILED');
    await safeRequest({
      ...dev,
      url: `${server.origin}/framed`,
      headers: { 'Content-Length': '1' },
      body: 'four',
    });
    expect(server.requests.at(-1)).toMatchObject({ url: '/framed', body: 'four' });
  });

  it('times out a connection that never gets established', async () => {
    const never: LookupFunction = () => undefined;
    const error = await refusal<HttpTimeoutError>(
      safeRequest({ ...dev, url: 'http://slow.example.com/', lookup: never, connectTimeoutMs: 200 }),
    );
    expect(error).toMatchObject({ code: 'FL_HTTP_TIMEOUT', phase: 'connect' });
  });

  it('reports network failures as FL_HTTP_FAILED with the cause and without the URL path', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    const error = await refusal(
      safeRequest({ ...dev, url: `http://127.0.0.1:${closed.port}/services/SECRET-PATH` }),
    );
    expect(error.code).toBe('FL_HTTP_FAILED');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(error.message).not.toContain('SECRET-PATH');
    const lookup = fakeDns({});
    expect((await refusal(safeRequest({ ...dev, url: 'http://nxdomain.example.com/', lookup }))).code).toBe(
      'FL_HTTP_FAILED',
    );
  });
});
