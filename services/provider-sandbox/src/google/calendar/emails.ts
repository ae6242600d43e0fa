/**
 * The attendee emails Google would send for a write, by `sendUpdates` (PROVIDERS.md §4): `all` mails
 * every guest, `externalOnly` only guests outside Google (here: not sandbox Google accounts), `none`
 * (the API default) nobody. The organizer never mails themself.
 */
import type { RequestLogEntry } from '../../core/types.js';
import type { StoredEvent } from './model.js';

type Email = NonNullable<RequestLogEntry['emailsSent']>[number];
export type SendUpdates = 'all' | 'externalOnly' | 'none';

export function emailsFor(
  before: StoredEvent | undefined,
  after: StoredEvent | undefined,
  sendUpdates: SendUpdates,
  isGoogleUser: (email: string) => boolean,
): Email[] {
  if (sendUpdates === 'none') return [];
  const organizer = (after ?? before)?.organizer.email;
  const guests = (event: StoredEvent | undefined) =>
    new Set(
      (event && !event.deleted && event.status !== 'cancelled' ? (event.attendees ?? []) : [])
        .map((a) => a.email)
        .filter((e) => e !== organizer),
    );
  const old = guests(before);
  const now = guests(after);
  const out: Email[] = [];
  for (const to of now) out.push({ to, kind: old.has(to) ? 'update' : 'invitation' });
  // Google has no cancellation comment: the mail shows the event's details, description included.
  const note = after?.status === 'cancelled' && after.description ? { message: after.description } : {};
  for (const to of old) if (!now.has(to)) out.push({ to, kind: 'cancellation', ...note });
  return sendUpdates === 'externalOnly' ? out.filter((e) => !isGoogleUser(e.to)) : out;
}

export function parseSendUpdates(raw: Record<string, string | string[] | undefined>): SendUpdates {
  const value = raw.sendUpdates;
  if (value === 'all' || value === 'externalOnly' || value === 'none') return value;
  // The deprecated sendNotifications=true means "all".
  return raw.sendNotifications === 'true' ? 'all' : 'none';
}
