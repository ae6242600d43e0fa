/**
 * Pure parsing of what Graph POSTs to a notification or lifecycle URL (PROVIDERS.md §3, M-WEBHOOK,
 * M-VALID, M-LIFE): the validation handshake (`?validationToken=…`, answer 200 text/plain with the
 * decoded token), or a batch `{ value: [...] }` of change notifications and lifecycle events. The
 * caller still verifies each item's `clientState` against the subscription's secret.
 */
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

const ItemSchema = Type.Object({
  subscriptionId: Type.String({ minLength: 1, maxLength: 200 }),
  clientState: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  changeType: Type.Optional(Type.String({ maxLength: 100 })),
  lifecycleEvent: Type.Optional(Type.String({ maxLength: 100 })),
  resource: Type.Optional(Type.String({ maxLength: 2048 })),
  subscriptionExpirationDateTime: Type.Optional(Type.String({ maxLength: 64 })),
  tenantId: Type.Optional(Type.String({ maxLength: 100 })),
  resourceData: Type.Optional(
    Type.Union([Type.Object({ id: Type.Optional(Type.String({ maxLength: 2048 })) }), Type.Null()]),
  ),
});

/** Graph batches notifications; a thousand per POST is far beyond anything it sends. */
const BatchSchema = Type.Object({ value: Type.Array(ItemSchema, { minItems: 1, maxItems: 1000 }) });

type Item = Static<typeof ItemSchema>;

const CHANGE_TYPES = ['created', 'updated', 'deleted'] as const;
const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;

/** One change notification: only the id of the changed event (basic notifications, M-WEBHOOK). */
export interface GraphChangeNotification {
  subscriptionId: string;
  clientState?: string;
  changeType: (typeof CHANGE_TYPES)[number];
  resource?: string;
  /** `resourceData.id`: the event that changed. */
  resourceId?: string;
}

/** A lifecycle event: renew/reauthorize, recreate + resync, or resync (M-LIFE). */
export interface GraphLifecycleNotification {
  subscriptionId: string;
  clientState?: string;
  lifecycleEvent: (typeof LIFECYCLE_EVENTS)[number];
}

export type GraphNotificationResult =
  | { kind: 'validation'; validationToken: string }
  | { kind: 'notifications'; changes: GraphChangeNotification[]; lifecycle: GraphLifecycleNotification[] }
  | { kind: 'invalid'; reason: string };

export interface GraphNotificationRequest {
  /** The query string (parsed), where the handshake's `validationToken` arrives. */
  query: URLSearchParams | Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined for the handshake, which has none). */
  body: unknown;
}

function queryValue(query: GraphNotificationRequest['query'], name: string): string | undefined {
  if (query instanceof URLSearchParams) return query.get(name) ?? undefined;
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((v) => v === value);

function mapItem(item: Item): GraphChangeNotification | GraphLifecycleNotification | string {
  const clientState = item.clientState ?? undefined;
  const base = { subscriptionId: item.subscriptionId, ...(clientState === undefined ? {} : { clientState }) };
  if (item.lifecycleEvent !== undefined) {
    const lifecycleEvent = oneOf(LIFECYCLE_EVENTS, item.lifecycleEvent);
    return lifecycleEvent ? { ...base, lifecycleEvent } : `unknown lifecycleEvent ${item.lifecycleEvent}`;
  }
  const changeType = oneOf(CHANGE_TYPES, item.changeType);
  if (!changeType) return `unknown changeType ${item.changeType ?? '(none)'}`;
  const resourceId = item.resourceData?.id;
  return {
    ...base,
    changeType,
    ...(item.resource === undefined ? {} : { resource: item.resource }),
    ...(resourceId === undefined ? {} : { resourceId }),
  };
}

/**
 * Classifies one POST. The handshake is recognised by `validationToken` alone (URLSearchParams has
 * already URL-decoded it, which is what must be echoed back, M-VALID).
 */
export function parseGraphNotification(request: GraphNotificationRequest): GraphNotificationResult {
  const validationToken = queryValue(request.query, 'validationToken');
  if (validationToken !== undefined) {
    if (validationToken === '' || validationToken.length > 4096)
      return { kind: 'invalid', reason: 'bad validationToken' };
    return { kind: 'validation', validationToken };
  }
  if (!Value.Check(BatchSchema, request.body)) return { kind: 'invalid', reason: 'not a notification batch' };
  const changes: GraphChangeNotification[] = [];
  const lifecycle: GraphLifecycleNotification[] = [];
  for (const item of request.body.value) {
    const mapped = mapItem(item);
    if (typeof mapped === 'string') return { kind: 'invalid', reason: mapped };
    if ('lifecycleEvent' in mapped) lifecycle.push(mapped);
    else changes.push(mapped);
  }
  return { kind: 'notifications', changes, lifecycle };
}
