/**
 * Change and lifecycle notifications (PROVIDERS.md §3, M-WEBHOOK, M-LIFE). Changes are batched per
 * subscription into one POST whose body is `{"value":[…]}` shaped like
 * graph-change-notification-webhook-post-body.json, carrying only the resource id and etag (basic
 * notifications). Creating an event also yields `updated` (I-GRAPH-7598). A delivery that fails (no 2xx)
 * is not retried here; the subscriber gets a `missed` lifecycle event instead, which real Graph sends once
 * it has given up, so the client's "resync by delta" path is exercised.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxCore } from '../core/types.js';
import type { ChangeType, StoreChange } from './model.js';
import { changeKeyOf } from './store.js';
import { TENANT_ID, graphTimestamp, type Subscription } from './subscription-model.js';

interface Pending {
  subscription: Subscription;
  items: Record<string, unknown>[];
}

export class Notifier {
  private readonly pending = new Map<string, Pending>();
  private scheduled = false;

  constructor(private readonly core: SandboxCore) {}

  /** Queues the notifications one store change produces for one subscription. */
  enqueue(subscription: Subscription, change: StoreChange, version: number | undefined): void {
    const kinds: ChangeType[] =
      change.changeType === 'created' ? ['created', 'updated'] : [change.changeType];
    for (const kind of kinds) {
      if (!subscription.changeTypes.includes(kind)) continue;
      const entry = this.pending.get(subscription.id) ?? { subscription, items: [] };
      entry.items.push(this.changeItem(subscription, change.eventId, kind, version));
      this.pending.set(subscription.id, entry);
    }
    this.schedule();
  }

  private changeItem(
    s: Subscription,
    eventId: string,
    kind: ChangeType,
    version: number | undefined,
  ): Record<string, unknown> {
    const resource = `Users/${s.mailboxId}/Events/${eventId}`;
    const etag =
      version === undefined ? {} : { '@odata.etag': `W/"${changeKeyOf(eventId, String(version))}"` };
    return {
      id: randomBytes(9).toString('base64url'),
      subscriptionId: s.id,
      subscriptionExpirationDateTime: graphTimestamp(s.expiresAtMs),
      clientState: s.clientState,
      changeType: kind,
      resource,
      tenantId: TENANT_ID,
      resourceData: { '@odata.type': '#Microsoft.Graph.Event', '@odata.id': resource, ...etag, id: eventId },
    };
  }

  /** Batches everything queued in the same tick into one POST per subscription. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batches = [...this.pending.values()];
      this.pending.clear();
      for (const batch of batches) void this.deliverChanges(batch);
    });
  }

  private async deliverChanges(batch: Pending): Promise<void> {
    const s = batch.subscription;
    const status = await this.post(s, s.notificationUrl, { value: batch.items });
    if (status === undefined || status < 200 || status >= 300) this.lifecycle(s, 'missed');
  }

  /** Sends a lifecycle event when the subscription asked for them at creation (PROVIDERS.md §3). */
  lifecycle(s: Subscription, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): void {
    if (s.lifecycleNotificationUrl === null) return;
    const body = {
      value: [
        {
          subscriptionId: s.id,
          subscriptionExpirationDateTime: graphTimestamp(s.expiresAtMs),
          tenantId: TENANT_ID,
          clientState: s.clientState,
          lifecycleEvent: event,
        },
      ],
    };
    void this.post(s, s.lifecycleNotificationUrl, body);
  }

  private post(s: Subscription, url: string, body: unknown): Promise<number | undefined> {
    return this.core.push.deliver({
      provider: 'microsoft',
      accountId: s.mailboxId,
      url,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    });
  }

  clear(): void {
    this.pending.clear();
  }
}
