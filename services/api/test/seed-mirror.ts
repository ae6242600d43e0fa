/**
 * Seeds a connection and mirror rows straight into the database, for route tests that read the
 * mirror without running a sync.
 */
import { repositories, type Database } from '@frontload/db';

/** One mirror row; attendees as the provider adapters store them. */
export interface SeedEvent {
  id: string;
  title: string;
  start: string;
  end: string;
  kind?: 'single' | 'series' | 'occurrence';
  seriesId?: string;
  status?: 'confirmed' | 'cancelled';
  recurrence?: { frequency: 'weekly' | 'daily' | 'monthly' | 'yearly'; interval: number };
  /** An all-day event's dates (end exclusive); `start`/`end` are then its first and next day's midnight. */
  allDay?: { startDate: string; endDate: string };
  attendees: {
    email: string;
    name?: string;
    self?: boolean;
    resource?: boolean;
    /** `accepted` unless set. */
    responseStatus?: 'needsAction' | 'accepted' | 'tentative' | 'declined';
  }[];
  /** Who organizes it: the user unless set (then the event is on the user's calendar as a guest). */
  organizer?: string;
}

/** Creates a Google connection for the user and writes the events into its mirror. */
export async function seedMirror(db: Database, userId: string, email: string, events: SeedEvent[]) {
  const { row } = await repositories(db).connections.upsert({
    userId,
    provider: 'google',
    accountSubject: `sub-${email}`,
    accountEmail: email,
    sealedTokens: 'v1.sealed-for-tests',
    scopes: [],
  });
  for (const e of events) {
    await db.query(
      `insert into events (connection_id, provider_event_id, kind, series_id, starts_at, ends_at, status, title,
         organizer_is_self, attendees, recurrence, all_day_start, all_day_end, organizer_email)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $13, $9::jsonb, $10::jsonb, $11, $12, $14)`,
      [
        row.id,
        e.id,
        e.kind ?? 'single',
        e.seriesId ?? null,
        e.start,
        e.end,
        e.status ?? 'confirmed',
        e.title,
        JSON.stringify(e.attendees.map((a) => ({ responseStatus: 'accepted', ...a }))),
        e.recurrence ? JSON.stringify(e.recurrence) : null,
        e.allDay?.startDate ?? null,
        e.allDay?.endDate ?? null,
        e.organizer === undefined,
        e.organizer ?? null,
      ],
    );
  }
  return row.id;
}
