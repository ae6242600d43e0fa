/**
 * Webhook endpoints for overload alerts: created with a signing secret shown once, listed,
 * updated, rotated (the old secret keeps signing for an overlap), test-sent, and their delivery
 * log with manual redelivery. URLs are checked against the SSRF policy before anything is stored.
 * Creating an endpoint and rotating its secret (the two answers that carry a secret) need a browser
 * session, and a user has at most {@link MAX_WEBHOOK_ENDPOINTS} endpoints.
 */
import { randomUUID } from 'node:crypto';
import { isStuckDelivery, repositories, type Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import { checkWebhookUrl, generateWebhookSecret, type TokenVault, type UrlPolicy } from '@frontload/security';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Errors } from '../../errors.js';
import { requireSession } from '../../plugins/auth.js';
import { testEventPayload } from './webhook-test-event.js';
import {
  CreateEndpointBody,
  DeliveryView,
  EndpointView,
  UpdateEndpointBody,
  deliveryView,
  endpointView,
} from './webhook-views.js';

/** How long a rotated-out secret keeps signing, so receivers can switch without losing a message. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

/** Webhook endpoints one user may have. */
export const MAX_WEBHOOK_ENDPOINTS = 10;

export interface WebhookRouteOptions {
  db: Database;
  vault: TokenVault;
  producers: Producers;
  urlPolicy: UrlPolicy;
  publicUrl: string;
  now: () => Date;
}

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const sealContext = (userId: string) => ({ userId, provider: 'webhook' });

export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRouteOptions> = async (app, options) => {
  const repos = repositories(options.db);
  app.addHook('preHandler', app.requireUser);

  const ownEndpoint = async (userId: string, id: string) => {
    const row = await repos.webhooks.endpointForUser(userId, id);
    if (!row) throw new Errors.NotFoundResource('Webhook endpoint');
    return row;
  };

  app.post('/webhooks', { schema: { body: CreateEndpointBody } }, async (request, reply) => {
    requireSession(request, 'create webhook endpoints');
    const userId = request.user!.id;
    const checked = checkWebhookUrl(request.body.url, options.urlPolicy);
    if (!checked.ok) throw new Errors.WebhookUrlRefused(checked.reason, checked.code);
    const secret = generateWebhookSecret();
    const row = await options.db.transaction(async (tx) => {
      const txRepos = repositories(tx);
      if ((await txRepos.webhooks.lockOwnerAndCountEndpoints(userId)) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new Errors.LimitReached(
          `You already have ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one before adding another`,
        );
      }
      return txRepos.webhooks.createEndpoint({
        userId,
        url: checked.url.toString(),
        description: request.body.description ?? '',
        eventTypes: request.body.eventTypes,
        format: request.body.format ?? 'json',
        sealedSecrets: options.vault.seal({ current: secret }, sealContext(userId)),
      });
    });
    await repos.audit.record({
      userId,
      actor: 'user',
      action: 'webhook.created',
      details: { id: row.id, url: row.url },
    });
    return reply.status(201).send({ ...endpointView(row), secret });
  });

  app.get(
    '/webhooks',
    { schema: { response: { 200: Type.Object({ endpoints: Type.Array(EndpointView) }) } } },
    async (request) => ({
      endpoints: (await repos.webhooks.endpointsForUser(request.user!.id)).map(endpointView),
    }),
  );

  app.get(
    '/webhooks/:id',
    { schema: { params: IdParams, response: { 200: EndpointView } } },
    async (request) => endpointView(await ownEndpoint(request.user!.id, request.params.id)),
  );

  app.patch('/webhooks/:id', { schema: { params: IdParams, body: UpdateEndpointBody } }, async (request) => {
    const userId = request.user!.id;
    const row = await ownEndpoint(userId, request.params.id);
    const { enabled, description, eventTypes } = request.body;
    await repos.webhooks.updateEndpoint(row.id, { description, eventTypes });
    if (enabled !== undefined)
      await repos.webhooks.setEnabled(row.id, enabled, enabled ? null : 'disabled by the user');
    await repos.audit.record({
      userId,
      actor: 'user',
      action: 'webhook.updated',
      details: { id: row.id, ...request.body },
    });
    return endpointView((await repos.webhooks.endpointById(row.id))!);
  });

  app.post('/webhooks/:id/rotate-secret', { schema: { params: IdParams } }, async (request) => {
    requireSession(request, 'rotate webhook secrets');
    const userId = request.user!.id;
    const row = await ownEndpoint(userId, request.params.id);
    const { current } = options.vault.unseal(row.sealed_secrets, sealContext(userId)) as { current: string };
    const secret = generateWebhookSecret();
    const now = options.now();
    const overlapUntil = new Date(now.getTime() + SECRET_OVERLAP_MS);
    await repos.webhooks.setSecrets(
      row.id,
      options.vault.seal({ current: secret, previous: current }, sealContext(userId)),
      now,
      overlapUntil,
    );
    await repos.audit.record({
      userId,
      actor: 'user',
      action: 'webhook.secret_rotated',
      details: { id: row.id },
    });
    return { id: row.id, secret, previousSecretValidUntil: overlapUntil.toISOString() };
  });

  app.post('/webhooks/:id/test', { schema: { params: IdParams } }, async (request, reply) => {
    const userId = request.user!.id;
    const row = await ownEndpoint(userId, request.params.id);
    const user = await repos.users.byId(userId);
    const messageId = `msg_${randomUUID()}`;
    const payload = testEventPayload({
      userId,
      email: user?.email ?? '',
      now: options.now(),
      publicUrl: options.publicUrl,
    });
    const delivery = await repos.webhooks.createDelivery({
      endpointId: row.id,
      userId,
      messageId,
      eventType: 'webhook.test',
      payload,
    });
    await options.producers.enqueueDeliverWebhook({ deliveryId: delivery.id });
    return reply.status(202).send(deliveryView(delivery));
  });

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: { params: IdParams, response: { 200: Type.Object({ deliveries: Type.Array(DeliveryView) }) } },
    },
    async (request) => {
      const row = await ownEndpoint(request.user!.id, request.params.id);
      return { deliveries: (await repos.webhooks.deliveriesForEndpoint(row.id)).map(deliveryView) };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          deliveryId: Type.String({ format: 'uuid' }),
        }),
      },
    },
    async (request, reply) => {
      const row = await ownEndpoint(request.user!.id, request.params.id);
      const delivery = await repos.webhooks.deliveryById(request.params.deliveryId);
      if (!delivery || delivery.endpoint_id !== row.id) throw new Errors.NotFoundResource('Delivery');
      // A pending delivery is being attempted, unless its job was lost long past its due time.
      const now = options.now();
      if (delivery.status === 'pending' && !isStuckDelivery(delivery, now)) {
        throw new Errors.Conflict('This delivery is still being attempted');
      }
      await repos.webhooks.resetForRedelivery(delivery.id, now);
      // A new job id per redelivery; the message id (and so the receiver's dedupe key) stays the same.
      await options.producers.enqueueDeliverWebhook({
        deliveryId: delivery.id,
        redelivery: now.toISOString(),
      });
      return reply.status(202).send({ id: delivery.id, messageId: delivery.message_id });
    },
  );

  app.delete('/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await repos.webhooks.deleteEndpoint(request.user!.id, request.params.id))) {
      throw new Errors.NotFoundResource('Webhook endpoint');
    }
    return reply.status(204).send();
  });
};
