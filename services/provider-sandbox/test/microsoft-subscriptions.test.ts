import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  ResponseType,
  RetryHandler,
} from '@microsoft/microsoft-graph-client';
import type { Event, Subscription } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES } from './conformance.js';
import {
  chain,
  createAccount,
  graphClient,
  signIn,
  startReceiver,
  startSandbox,
  START_MS,
  type Receiver,
  type Sandbox,
} from './microsoft-helpers.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const keysDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(keysDeep);
  if (value === null || typeof value !== 'object') return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, keysDeep(v)]),
  );
};

const inHours = (hours: number): string => new Date(START_MS + hours * 3_600_000).toISOString();

describe('Graph subscriptions and change notifications', () => {
  let sandbox: Sandbox;
  let client: Client;
  let token = '';
  let accountId = '';
  /** The sandbox clock moves in these tests, so access tokens are renewed by signing in again. */
  const renewToken = async () => {
    token = (await signIn(sandbox.base, accountId)).access_token;
  };
  let receiver: Receiver;
  /** An expiry `hours` after the sandbox clock's now (earlier tests move the clock). */
  const fromNow = (hours: number) => new Date(sandbox.core.clock.nowMs() + hours * 3_600_000).toISOString();

  beforeAll(async () => {
    sandbox = await startSandbox();
    accountId = createAccount(sandbox.core, 'Priya Raman', 'priya@fabrikam.example').id;
    await renewToken();
    client = graphClient(sandbox.base, () => token);
    receiver = await startReceiver();
  });
  beforeEach(() => {
    receiver.mode = 'echo';
    receiver.notifications.length = 0;
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  const subscribe = (extra: Partial<Subscription> = {}, as = client) =>
    as.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: receiver.url,
      resource: 'me/events',
      expirationDateTime: inHours(48),
      clientState: 'frontload-secret',
      ...extra,
    }) as Promise<Subscription>;

  it('validates the endpoint, then notifies in batches with clientState', async () => {
    const subscription = await subscribe();
    expect(receiver.validations.at(-1)).toMatch(/^Validation: Testing client application reachability/);
    expect(subscription.expirationDateTime).toMatch(/\.\d{7}Z$/);
    const event = (await client.api('/me/events').post({
      subject: 'Notify me',
      start: { dateTime: '2026-11-24T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-24T11:00:00', timeZone: 'UTC' },
    })) as Event;
    const created = await receiver.waitFor((n) => n.changeType === 'created');
    expect(created.clientState).toBe('frontload-secret');
    expect(created.subscriptionId).toBe(subscription.id);
    expect((created.resourceData as { id: string }).id).toBe(event.id);
    // Same fields and value types as the documented webhook body (graph-change-notification-webhook-post-body.json).
    const documented = (fixture('graph-change-notification-webhook-post-body.json') as { value: unknown[] })
      .value[0];
    expect(keysDeep(created)).toEqual(keysDeep(documented));
    await client.api(`/me/events/${event.id}`).delete();
    await receiver.waitFor((n) => n.changeType === 'deleted');
  });

  it('refuses the subscription when the handshake fails', async () => {
    for (const mode of ['refuse', 'encoded', 'json'] as const) {
      receiver.mode = mode;
      const failure = (await subscribe().catch((error: unknown) => error)) as GraphError;
      expect(failure.statusCode).toBe(400);
      expect(failure.code).toBe('ValidationError');
    }
  });

  it('renews with PATCH, lists, and deletes', async () => {
    const subscription = await subscribe();
    const renewed = (await client
      .api(`/subscriptions/${subscription.id}`)
      .patch({ expirationDateTime: inHours(72) })) as Subscription;
    expect(Date.parse(renewed.expirationDateTime ?? '')).toBe(Date.parse(inHours(72)));
    const listed = (await client.api('/subscriptions').get()) as { value: Subscription[] };
    expect(listed.value.some((s) => s.id === subscription.id)).toBe(true);
    await client.api(`/subscriptions/${subscription.id}`).delete();
    const gone = (await client
      .api(`/subscriptions/${subscription.id}`)
      .get()
      .catch((error: unknown) => error)) as GraphError;
    expect(gone.statusCode).toBe(404);
    const tooLong = (await subscribe({ expirationDateTime: inHours(24 * 8) }).catch(
      (error: unknown) => error,
    )) as GraphError;
    expect(tooLong.statusCode).toBe(400);
  });

  it('sends reauthorizationRequired when the token expires and missed when a delivery is lost', async () => {
    // Only this subscription may exist, so the dropped delivery is its own.
    for (const old of ((await client.api('/subscriptions').get()) as { value: Subscription[] }).value) {
      await client.api(`/subscriptions/${old.id}`).delete();
    }
    const subscription = await subscribe({ lifecycleNotificationUrl: receiver.url });
    sandbox.core.faults.setPushFault({ provider: 'microsoft', mode: 'drop', count: 1 });
    await client.api('/me/events').post({
      subject: 'Lost',
      start: { dateTime: '2026-11-24T12:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-24T13:00:00', timeZone: 'UTC' },
    });
    const missed = await receiver.waitFor((n) => n.lifecycleEvent === 'missed');
    expect(missed.subscriptionId).toBe(subscription.id);
    sandbox.core.clock.advance(61 * 60_000);
    const reauth = await receiver.waitFor((n) => n.lifecycleEvent === 'reauthorizationRequired');
    expect(reauth.clientState).toBe('frontload-secret');
  });

  it('removes an expired subscription and says so with subscriptionRemoved', async () => {
    await renewToken();
    const subscription = await subscribe({
      lifecycleNotificationUrl: receiver.url,
      expirationDateTime: fromNow(50),
    });
    sandbox.core.clock.advance(3 * 86_400_000);
    await renewToken();
    const removed = await receiver.waitFor(
      (n) => n.lifecycleEvent === 'subscriptionRemoved' && n.subscriptionId === subscription.id,
    );
    expect(removed.clientState).toBe('frontload-secret');
    const gone = (await client
      .api(`/subscriptions/${subscription.id}`)
      .get()
      .catch((error: unknown) => error)) as GraphError;
    expect(gone.statusCode).toBe(404);
  });

  it("notifies a change only to the subscriptions of the event's own mailbox", async () => {
    await renewToken();
    const other = createAccount(sandbox.core, 'Tomas Lindqvist', 'tomas@fabrikam.example').id;
    const otherToken = (await signIn(sandbox.base, other)).access_token;
    const otherClient = graphClient(sandbox.base, () => otherToken);
    const mine = await subscribe({ clientState: 'priya-state', expirationDateTime: fromNow(48) });
    const theirs = await subscribe(
      { clientState: 'tomas-state', expirationDateTime: fromNow(48) },
      otherClient,
    );
    const post = (c: Client, subject: string) =>
      c.api('/me/events').post({
        subject,
        start: { dateTime: '2026-11-25T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-11-25T11:00:00', timeZone: 'UTC' },
      }) as Promise<Event>;
    const aboutId = (id: string | undefined) => (n: Record<string, unknown>) =>
      (n.resourceData as { id?: string } | undefined)?.id === id;
    const priyas = await post(client, 'Priya only');
    await receiver.waitFor(aboutId(priyas.id));
    // Deliveries go out in order, so Tomas's notification arrives after any stray one about Priya's event.
    const tomass = await post(otherClient, 'Tomas only');
    await receiver.waitFor(aboutId(tomass.id));
    const to = (id: string | undefined) =>
      receiver.notifications.filter(aboutId(id)).map((n) => n.subscriptionId);
    // Priya's mailbox may hold subscriptions of earlier tests; Tomas's holds only his.
    expect(to(priyas.id)).toContain(mine.id);
    expect(to(priyas.id)).not.toContain(theirs.id);
    expect(new Set(to(tomass.id))).toEqual(new Set([theirs.id]));
  });

  it('keeps a renewed subscription past its first expiry and removes it at the renewed one', async () => {
    await renewToken();
    const subscription = await subscribe({
      lifecycleNotificationUrl: receiver.url,
      expirationDateTime: fromNow(50),
    });
    await client.api(`/subscriptions/${subscription.id}`).patch({ expirationDateTime: fromNow(100) });
    sandbox.core.clock.advance(60 * 3_600_000);
    await renewToken();
    const kept = (await client.api(`/subscriptions/${subscription.id}`).get()) as Subscription;
    expect(kept.id).toBe(subscription.id);
    sandbox.core.clock.advance(41 * 3_600_000);
    await renewToken();
    await receiver.waitFor(
      (n) => n.lifecycleEvent === 'subscriptionRemoved' && n.subscriptionId === subscription.id,
    );
    const gone = (await client
      .api(`/subscriptions/${subscription.id}`)
      .get()
      .catch((error: unknown) => error)) as GraphError;
    expect(gone.statusCode).toBe(404);
  });

  it('answers an injected 429 with Retry-After and the documented throttling body', async () => {
    sandbox.core.faults.add({
      provider: 'microsoft',
      route: 'GET /v1.0/me/events',
      status: 429,
      count: 1,
      retryAfterSeconds: 3,
    });
    const raw = (await client.api('/me/events').responseType(ResponseType.RAW).get()) as Response;
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(keysDeep(await raw.json())).toEqual(keysDeep(fixture('graph-error-429-TooManyRequests.json')));
  });
  it("lets the Graph client's own RetryHandler honour Retry-After and succeed", async () => {
    sandbox.core.faults.add({
      provider: 'microsoft',
      route: 'GET /v1.0/me',
      status: 429,
      count: 1,
      retryAfterSeconds: 1,
    });
    const retrying = Client.initWithMiddleware({
      baseUrl: `${sandbox.base}/`,
      defaultVersion: 'v1.0',
      middleware: chain(() => token, new RetryHandler(), new HTTPMessageHandler()),
    });
    const started = Date.now();
    const me = (await retrying.api('/me').get()) as { mail: string };
    expect(me.mail).toBe('priya@fabrikam.example');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
