/**
 * /subscriptions create (with the notificationUrl validation handshake), GET, PATCH (renew), DELETE and
 * /reauthorize (PROVIDERS.md §3). Subscriptions expire by the sandbox clock; when the access token that
 * created or renewed one expires, a `reauthorizationRequired` lifecycle event goes out (M-LIFE).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { requirePermission, type GraphCaller } from './auth.js';
import { graphBase, sendGraph, type MicrosoftContext } from './context.js';
import { GraphError } from './errors.js';
import type { ChangeType, StoreChange } from './model.js';
import { Notifier } from './notifier.js';
import { subscriptionJson, type Subscription } from './subscription-model.js';
import { validateEndpoint } from './validation-handshake.js';
import { enumValue, readBody } from './validate.js';

const MINUTE = 60_000;
/** Outlook event subscriptions live at most 10,080 minutes (M-OVERVIEW); shorter than 45 is raised. */
const MAX_LIFETIME = 10_080 * MINUTE;
const MIN_LIFETIME = 45 * MINUTE;
const MAX_PER_MAILBOX = 1000;
const CHANGE_TYPES: readonly ChangeType[] = ['created', 'updated', 'deleted'];

const CreateSchema = Type.Object(
  {
    changeType: Type.String(),
    notificationUrl: Type.String(),
    resource: Type.String(),
    expirationDateTime: Type.String(),
    clientState: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
    lifecycleNotificationUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    latestSupportedTlsVersion: Type.Optional(Type.String()),
    includeResourceData: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const RenewSchema = Type.Object({ expirationDateTime: Type.String() }, { additionalProperties: false });

type CreateInput = Type.Static<typeof CreateSchema>;

const invalid = (message: string): GraphError => new GraphError(400, 'InvalidRequest', message);

export class SubscriptionService {
  private readonly subscriptions = new Map<string, Subscription>();
  /** Subscription ids per mailbox, so a change visits only its own mailbox's subscriptions. */
  private readonly byMailbox = new Map<string, Set<string>>();
  /**
   * No subscription expires or needs reauthorization before this instant, so a clock tick before it
   * scans nothing. It may be early (a renewal or deletion leaves it as it was), never late.
   */
  private nextDeadlineMs = Infinity;
  readonly notifier: Notifier;

  constructor(private readonly ctx: MicrosoftContext) {
    this.notifier = new Notifier(ctx.core);
    ctx.store.onChange((change) => this.onChange(change));
    ctx.core.clock.onChange((now) => this.tick(now));
  }

  private onChange(change: StoreChange): void {
    this.tick(this.ctx.core.clock.nowMs());
    const version = this.ctx.store.get(change.eventId)?.version;
    for (const s of this.list(change.mailboxId)) this.notifier.enqueue(s, change, version);
  }

  /** Expiry and reauthorization by the sandbox clock. */
  private tick(now: number): void {
    if (now < this.nextDeadlineMs) return;
    this.nextDeadlineMs = Infinity;
    for (const s of [...this.subscriptions.values()]) {
      if (now >= s.expiresAtMs) {
        this.remove(s);
        this.notifier.lifecycle(s, 'subscriptionRemoved');
        continue;
      }
      if (now >= s.tokenExpiresAtMs && !s.reauthorizationSent) {
        s.reauthorizationSent = true;
        this.notifier.lifecycle(s, 'reauthorizationRequired');
      }
      this.watch(s);
    }
  }

  /** Brings the next deadline forward to `s`'s expiry or, until it is sent, its reauthorization. */
  private watch(s: Subscription): void {
    const reauthorizeAt = s.reauthorizationSent ? Infinity : s.tokenExpiresAtMs;
    this.nextDeadlineMs = Math.min(this.nextDeadlineMs, s.expiresAtMs, reauthorizeAt);
  }

  private remove(s: Subscription): void {
    this.subscriptions.delete(s.id);
    const ids = this.byMailbox.get(s.mailboxId);
    ids?.delete(s.id);
    if (ids?.size === 0) this.byMailbox.delete(s.mailboxId);
  }

  private expiry(raw: string): number {
    const ms = Date.parse(raw);
    if (Number.isNaN(ms))
      throw new GraphError(
        400,
        'RequestBodyRead',
        `Cannot convert the literal '${raw}' to the expected type 'Edm.DateTimeOffset'.`,
      );
    const now = this.ctx.core.clock.nowMs();
    if (ms <= now) throw invalid('Subscription expiration must be in the future.');
    if (ms - now > MAX_LIFETIME)
      throw invalid(`Subscription expiration can only be ${MAX_LIFETIME / MINUTE} minutes in the future.`);
    return Math.max(ms, now + MIN_LIFETIME);
  }

  private checkUrl(url: string, field: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(`The ${field} '${url}' is not a valid absolute URL.`);
    }
    // Graph only calls HTTPS endpoints; plain http is allowed only in the sandbox's local mode (§9).
    const allowed =
      parsed.protocol === 'https:' || (parsed.protocol === 'http:' && this.ctx.core.allowHttpPush);
    if (!allowed) throw invalid(`The ${field} must use the HTTPS scheme.`);
  }

  private checkResource(caller: GraphCaller, resource: string): void {
    const m = /^\/?(?:me|users\/([^/]+))\/(?:calendar\/)?events$/i.exec(resource.trim());
    if (m === null) throw invalid(`Resource '${resource}' is not supported for change notifications.`);
    const user = m[1]?.replace(/^'(.*)'$/, '$1').toLowerCase();
    if (
      user !== undefined &&
      user !== caller.account.id.toLowerCase() &&
      user !== caller.account.email.toLowerCase()
    ) {
      throw new GraphError(
        403,
        'ExtensionError',
        'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied.]',
      );
    }
  }

  async create(caller: GraphCaller, input: CreateInput): Promise<Subscription> {
    const changeTypes = input.changeType.split(',').map((t) => enumValue(t.trim(), CHANGE_TYPES));
    this.checkResource(caller, input.resource);
    this.checkUrl(input.notificationUrl, 'notificationUrl');
    const lifecycleUrl = input.lifecycleNotificationUrl ?? null;
    if (lifecycleUrl !== null) this.checkUrl(lifecycleUrl, 'lifecycleNotificationUrl');
    if (input.includeResourceData === true)
      throw invalid('A valid encryptionCertificate is required when includeResourceData is true.');
    const expiresAtMs = this.expiry(input.expirationDateTime);
    if (this.list(caller.account.id).length >= MAX_PER_MAILBOX)
      throw new GraphError(
        403,
        'ExtensionError',
        'The maximum number of subscriptions for this mailbox has been reached.',
      );
    for (const url of lifecycleUrl === null
      ? [input.notificationUrl]
      : [input.notificationUrl, lifecycleUrl]) {
      const failure = await validateEndpoint(url);
      if (failure !== undefined) throw new GraphError(400, 'ValidationError', failure);
    }
    const subscription: Subscription = {
      id: randomUUID(),
      mailboxId: caller.account.id,
      clientId: caller.clientId,
      resource: input.resource,
      changeTypes,
      notificationUrl: input.notificationUrl,
      lifecycleNotificationUrl: lifecycleUrl,
      clientState: input.clientState ?? null,
      expiresAtMs,
      tokenExpiresAtMs: caller.tokenExpiresAtMs,
      reauthorizationSent: false,
    };
    this.subscriptions.set(subscription.id, subscription);
    const ids = this.byMailbox.get(subscription.mailboxId) ?? new Set<string>();
    this.byMailbox.set(subscription.mailboxId, ids.add(subscription.id));
    this.watch(subscription);
    return subscription;
  }

  /** Only the app that created a subscription may see or change it. */
  get(caller: GraphCaller, id: string): Subscription {
    const s = this.subscriptions.get(id);
    if (s?.mailboxId !== caller.account.id || s.clientId !== caller.clientId) {
      throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
    }
    return s;
  }

  renew(caller: GraphCaller, id: string, expirationDateTime: string): Subscription {
    const s = this.get(caller, id);
    s.expiresAtMs = this.expiry(expirationDateTime);
    this.reauthorize(caller, id);
    return s;
  }

  reauthorize(caller: GraphCaller, id: string): void {
    const s = this.get(caller, id);
    s.tokenExpiresAtMs = caller.tokenExpiresAtMs;
    s.reauthorizationSent = false;
    this.watch(s);
  }

  delete(caller: GraphCaller, id: string): void {
    this.remove(this.get(caller, id));
  }

  list(mailboxId: string): Subscription[] {
    return [...(this.byMailbox.get(mailboxId) ?? [])].flatMap((id) => this.subscriptions.get(id) ?? []);
  }

  reset(): void {
    this.subscriptions.clear();
    this.byMailbox.clear();
    this.nextDeadlineMs = Infinity;
    this.notifier.clear();
  }
}

type IdParams = { Params: { id: string } };

export function registerSubscriptionRoutes(
  app: FastifyInstance,
  ctx: MicrosoftContext,
  service: SubscriptionService,
): void {
  const entity = (s: Subscription) => ({
    '@odata.context': `${graphBase(ctx.core)}/$metadata#subscriptions/$entity`,
    ...subscriptionJson(s),
  });
  const caller = (request: FastifyRequest) => requirePermission(request, 'calendars.read');
  app.post('/subscriptions', async (request, reply) => {
    const input = readBody<CreateInput>(CreateSchema, request.body, 'microsoft.graph.subscription');
    return sendGraph(request, reply, 201, entity(await service.create(caller(request), input)));
  });
  app.get('/subscriptions', async (request, reply) => {
    const who = caller(request);
    const mine = service.list(who.account.id).filter((s) => s.clientId === who.clientId);
    return sendGraph(request, reply, 200, {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#subscriptions`,
      value: mine.map(subscriptionJson),
    });
  });
  app.get<IdParams>('/subscriptions/:id', async (request, reply) =>
    sendGraph(request, reply, 200, entity(service.get(caller(request), request.params.id))),
  );
  app.patch<IdParams>('/subscriptions/:id', async (request, reply) => {
    const input = readBody<{ expirationDateTime: string }>(
      RenewSchema,
      request.body,
      'microsoft.graph.subscription',
    );
    return sendGraph(
      request,
      reply,
      200,
      entity(service.renew(caller(request), request.params.id, input.expirationDateTime)),
    );
  });
  app.post<IdParams>('/subscriptions/:id/reauthorize', async (request, reply) => {
    service.reauthorize(caller(request), request.params.id);
    return sendGraph(request, reply, 204);
  });
  app.delete<IdParams>('/subscriptions/:id', async (request, reply) => {
    service.delete(caller(request), request.params.id);
    return sendGraph(request, reply, 204);
  });
}
