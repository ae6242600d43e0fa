/**
 * events.watch channels and their notifications (PROVIDERS.md §3): the first message is `sync` (number
 * 1), every later change to the calendar is `exists`; messages carry Google's X-Goog-* headers and no
 * body. A channel fires until it expires on the sandbox clock or is stopped.
 */
import { createHash } from 'node:crypto';
import type { SandboxCore } from '../../core/types.js';
import { gerr, GoogleApiError } from '../errors.js';

export interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  calendar: string;
  accountId: string;
  clientId: string;
  address: string;
  token?: string;
  expirationMs: number;
  messageNumber: number;
  /** Keeps one channel's messages in order (sync before the first exists). */
  queue: Promise<unknown>;
}

export interface WatchRequest {
  id?: unknown;
  type?: unknown;
  address?: unknown;
  token?: unknown;
  expiration?: unknown;
  params?: { ttl?: unknown };
}

const DEFAULT_TTL_SECONDS = 604_800;

export class ChannelRegistry {
  private channels = new Map<string, Channel>();
  /** Channel ids by calendar: a change notifies its calendar's channels without visiting every one. */
  private byCalendar = new Map<string, Set<string>>();

  constructor(private readonly core: SandboxCore) {}

  open(request: WatchRequest, calendar: string, accountId: string, clientId: string): Channel {
    const { id, address } = validate(request, this.core.allowHttpPush);
    const now = this.core.clock.nowMs();
    const existing = this.channels.get(id);
    if (existing && existing.expirationMs > now) {
      throw new GoogleApiError(400, {
        domain: 'global',
        reason: 'channelIdNotUnique',
        message: `Channel id ${id} not unique`,
      });
    }
    const ttl = Number(request.params?.ttl ?? DEFAULT_TTL_SECONDS);
    const requested =
      request.expiration === undefined ? Number.POSITIVE_INFINITY : Number(request.expiration);
    // The effective expiration is the more restrictive of the client's and the ttl (default 7 days).
    const expirationMs = Math.min(
      requested,
      now + (Number.isFinite(ttl) && ttl > 0 ? ttl : DEFAULT_TTL_SECONDS) * 1000,
    );
    const channel: Channel = {
      id,
      resourceId: createHash('sha1').update(`events:${calendar}`).digest('base64url').slice(0, 27),
      resourceUri: `${this.core.baseUrl()}/calendar/v3/calendars/${encodeURIComponent(calendar)}/events?alt=json`,
      calendar,
      accountId,
      clientId,
      address,
      ...(typeof request.token === 'string' ? { token: request.token } : {}),
      expirationMs,
      messageNumber: 0,
      queue: Promise.resolve(),
    };
    if (existing) this.remove(existing);
    this.channels.set(id, channel);
    const ids = this.byCalendar.get(calendar) ?? new Set<string>();
    this.byCalendar.set(calendar, ids.add(id));
    this.send(channel, 'sync');
    return channel;
  }

  stop(id: unknown, resourceId: unknown, accountId: string, clientId: string): void {
    const channel = typeof id === 'string' ? this.channels.get(id) : undefined;
    // Only the creating user through the same OAuth client may stop a channel (PROVIDERS.md §3).
    if (
      !channel ||
      channel.resourceId !== resourceId ||
      channel.accountId !== accountId ||
      channel.clientId !== clientId
    ) {
      throw gerr.notFound();
    }
    this.remove(channel);
  }

  notify(calendar: string): void {
    const now = this.core.clock.nowMs();
    for (const id of this.byCalendar.get(calendar) ?? []) {
      const channel = this.channels.get(id)!;
      if (channel.expirationMs <= now) this.remove(channel);
      else this.send(channel, 'exists');
    }
  }

  clear(): void {
    this.channels = new Map();
    this.byCalendar = new Map();
  }

  private remove(channel: Channel): void {
    this.channels.delete(channel.id);
    const ids = this.byCalendar.get(channel.calendar);
    ids?.delete(channel.id);
    if (ids?.size === 0) this.byCalendar.delete(channel.calendar);
  }

  private send(channel: Channel, state: 'sync' | 'exists') {
    // Message numbers increase but are not sequential at Google; step by a few to keep clients honest.
    channel.messageNumber = state === 'sync' ? 1 : channel.messageNumber + 1 + (channel.messageNumber % 3);
    const headers: Record<string, string> = {
      'x-goog-channel-id': channel.id,
      'x-goog-channel-expiration': new Date(channel.expirationMs).toUTCString(),
      'x-goog-message-number': String(channel.messageNumber),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-state': state,
      'x-goog-resource-uri': channel.resourceUri,
      ...(channel.token === undefined ? {} : { 'x-goog-channel-token': channel.token }),
    };
    const request = {
      provider: 'google' as const,
      accountId: channel.accountId,
      url: channel.address,
      headers,
    };
    channel.queue = channel.queue.then(() => deliverWithRetries(this.core, request));
  }
}

function validate(request: WatchRequest, allowHttp: boolean): { id: string; address: string } {
  if (typeof request.id !== 'string' || request.id.length === 0) throw gerr.required('Required channel id');
  if (request.id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(request.id))
    throw gerr.invalid('Invalid channel id');
  if (request.type !== 'web_hook' && request.type !== 'webhook')
    throw gerr.invalid(`Invalid channel type: ${String(request.type)}`);
  if (typeof request.address !== 'string' || request.address.length === 0)
    throw gerr.required('Required channel address');
  let url: URL;
  try {
    url = new URL(request.address);
  } catch {
    throw gerr.invalid(`Invalid channel address: ${request.address}`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    // Real Google refuses non-HTTPS addresses; the sandbox relaxes this only in local mode (PROVIDERS.md §9).
    throw new GoogleApiError(400, {
      domain: 'global',
      reason: 'push.webhookUrlNotHttps',
      message: `WebHook callback must be HTTPS: ${request.address}`,
    });
  }
  if (request.token !== undefined && (typeof request.token !== 'string' || request.token.length > 256))
    throw gerr.invalid('Invalid channel token');
  return { id: request.id, address: request.address };
}

/** Statuses after which Google retries a notification with exponential backoff (PROVIDERS.md §3). */
const RETRIED = new Set([500, 502, 503, 504]);
const RETRY_DELAYS_MS = [250, 500, 1000];

/** Retries on 5xx like Google, on a sandbox scale (three retries within two seconds). */
async function deliverWithRetries(core: SandboxCore, request: Parameters<SandboxCore['push']['deliver']>[0]) {
  let status = await core.push.deliver(request);
  for (const delay of RETRY_DELAYS_MS) {
    if (status === undefined || !RETRIED.has(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, delay));
    status = await core.push.deliver(request);
  }
  return status;
}
