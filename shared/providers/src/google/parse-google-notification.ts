/**
 * Pure parsing of a Google push message. Google POSTs no body; everything is in `X-Goog-*` headers
 * (PROVIDERS.md §3, G-PUSH): the first message of a channel is `sync`, later ones `exists` (create,
 * update and delete all look the same). The caller must still compare `token` with the channel's
 * secret and look the channel up; this only checks the shape.
 */

/** A well-formed Google notification. */
export interface GoogleNotification {
  channelId: string;
  resourceId: string;
  resourceState: 'sync' | 'exists' | 'not_exists';
  /** Increases per channel but is not sequential (G-PUSH). */
  messageNumber: number;
  /** X-Goog-Channel-Token, the secret given to `watch`; absent when the sender did not send one. */
  token?: string;
  /** X-Goog-Channel-Expiration as epoch ms, when present. */
  expiresAt?: number;
}

export type GoogleNotificationResult =
  { ok: true; notification: GoogleNotification } | { ok: false; reason: string };

/** Node's IncomingHttpHeaders, a Fetch `Headers`, or a plain record. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

const STATES = new Set(['sync', 'exists', 'not_exists']);
const MAX_HEADER = 1024;

/** One header value, case-insensitively; a repeated header is refused (ambiguous). */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

/** Validates the headers of a Google push message. */
export function parseGoogleNotification(headers: HeaderSource): GoogleNotificationResult {
  const channelId = headerValue(headers, 'x-goog-channel-id');
  const resourceId = headerValue(headers, 'x-goog-resource-id');
  const state = headerValue(headers, 'x-goog-resource-state');
  const number = headerValue(headers, 'x-goog-message-number');
  const token = headerValue(headers, 'x-goog-channel-token');
  const expiration = headerValue(headers, 'x-goog-channel-expiration');
  if (!channelId || channelId.length > MAX_HEADER) return { ok: false, reason: 'missing X-Goog-Channel-ID' };
  if (!resourceId || resourceId.length > MAX_HEADER)
    return { ok: false, reason: 'missing X-Goog-Resource-ID' };
  if (!state || !STATES.has(state)) return { ok: false, reason: 'invalid X-Goog-Resource-State' };
  if (!number || !/^\d{1,15}$/.test(number)) return { ok: false, reason: 'invalid X-Goog-Message-Number' };
  if (token !== undefined && token.length > 256)
    return { ok: false, reason: 'X-Goog-Channel-Token too long' };
  const expiresAt = expiration === undefined ? undefined : Date.parse(expiration);
  return {
    ok: true,
    notification: {
      channelId,
      resourceId,
      resourceState: state as GoogleNotification['resourceState'],
      messageNumber: Number(number),
      ...(token === undefined ? {} : { token }),
      ...(expiresAt === undefined || Number.isNaN(expiresAt) ? {} : { expiresAt }),
    },
  };
}
