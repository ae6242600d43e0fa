/** Graph subscription state and its wire form (subscription resource, M-SUB). */
import type { ChangeType } from './model.js';

/** The sandbox's one tenant (Graph puts the tenant id in every notification). */
export const TENANT_ID = '2b1f3c3e-6f4b-4c8e-9a57-5a4d1b0f0f00';

export interface Subscription {
  id: string;
  mailboxId: string;
  clientId: string;
  resource: string;
  changeTypes: ChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expiresAtMs: number;
  /** Expiry of the access token that created or last renewed the subscription. */
  tokenExpiresAtMs: number;
  /** Whether reauthorizationRequired was sent for that token (sent once). */
  reauthorizationSent: boolean;
}

/** Graph's DateTimeOffset with 7 fractional digits ("2016-11-20T18:23:45.9356913Z"). */
export function graphTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export function subscriptionJson(s: Subscription): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.clientId,
    changeType: s.changeTypes.join(','),
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: graphTimestamp(s.expiresAtMs),
    creatorId: s.mailboxId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
