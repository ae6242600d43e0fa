/** events.instances: the instances of one recurring series, paged, with cancelled ones on showDeleted. */
import type { SandboxAccount } from '../../core/types.js';
import { gerr } from '../errors.js';
import type { CalendarDeps } from './context.js';
import { seriesInstances } from './instances.js';
import { DEFAULT_PAGE, MAX_PAGE } from './list-query.js';
import { toGoogleEvent, type ViewContext } from './serialize.js';
import { isoUtc, parseTimestamp, whenMs } from './time.js';
import { findOnCalendar } from './writes.js';

type Raw = Record<string, string | string[] | undefined>;

const HORIZON_MS = 730 * 86_400_000;

function param(raw: Raw, name: string): string | undefined {
  const value = raw[name];
  return Array.isArray(value) ? value[0] : value;
}

function time(raw: Raw, name: string): number | undefined {
  const value = param(raw, name);
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw gerr.badRequest();
  return ms;
}

export function listInstances(
  deps: CalendarDeps,
  account: SandboxAccount,
  view: ViewContext,
  eventId: string,
  raw: Raw,
) {
  const master = findOnCalendar(deps, account, eventId);
  if (master.deleted) throw gerr.deleted();
  if (!master.recurrence) throw gerr.badRequest();
  const max = Math.min(Number(param(raw, 'maxResults') ?? DEFAULT_PAGE), MAX_PAGE);
  if (!Number.isInteger(max) || max < 1) throw gerr.invalidParameter('maxResults');
  const offset = decodeOffset(param(raw, 'pageToken'));
  const from = time(raw, 'timeMin') ?? whenMs(master.start, view.zone);
  const to = time(raw, 'timeMax') ?? deps.core.clock.nowMs() + HORIZON_MS;
  const showDeleted = param(raw, 'showDeleted') === 'true';
  const all = seriesInstances(deps.store, master, view.zone, from, to)
    .filter((e) => showDeleted || (e.status !== 'cancelled' && !e.deleted))
    .sort((a, b) => whenMs(a.start, view.zone) - whenMs(b.start, view.zone));
  const page = all.slice(offset, offset + max);
  return {
    kind: 'calendar#events',
    etag: `"i${master.version}${offset}"`,
    summary: account.email,
    description: '',
    updated: isoUtc(master.updatedMs),
    timeZone: account.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    ...(offset + max < all.length ? { nextPageToken: encodeOffset(offset + max) } : {}),
    items: page.map((e) => toGoogleEvent(e, view, deps.store.members(e))),
  };
}

const encodeOffset = (offset: number) => Buffer.from(`i:${offset}`).toString('base64url');

function decodeOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^i:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m?.[1]) throw gerr.invalidParameter('pageToken', 'Invalid page token value.');
  return Number(m[1]);
}
