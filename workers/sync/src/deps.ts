/** What the sync worker's jobs need, built once in main.ts (and by tests with their own clock). */
import type { ConnectionRow, Database } from '@frontload/db';
import type { Producers } from '@frontload/jobs';
import type { CalendarProvider, OAuth } from '@frontload/providers';
import type { TokenVault } from '@frontload/security';

/** Timing of sync and push; the defaults suit production. */
export interface SyncTuning {
  /**
   * A full sync lists from this far back (eight weeks: People's "not seen lately" reads that far,
   * NOT_SEEN_LOOKBACK_DAYS in @frontload/domain)…
   */
  windowBackMs: number;
  /** …to this far ahead. */
  windowAheadMs: number;
  /**
   * A Graph delta link keeps the window of the listing that started it, so once the last full listing
   * is this old the next sync lists everything again with today's window (on both providers, alike).
   */
  windowRefreshMs: number;
  /** Safety-net incremental sync for connections with live push (PROVIDERS.md §3: push is lossy). */
  catchUpIntervalMs: number;
  /** Polling interval for connections without push (local development has no public URL). */
  pollIntervalMs: number;
  /** Lifetime asked for a channel or subscription; renewed at half of what the provider granted. */
  pushTtlSeconds: { google: number; microsoft: number };
  /** How often the sweep runs (a BullMQ job scheduler). */
  sweepEveryMs: number;
  /** At most this many connections handled per sweep and kind of work. */
  sweepLimit: number;
}

const DAY = 24 * 3600_000;

export const DEFAULT_TUNING: SyncTuning = {
  windowBackMs: 56 * DAY,
  windowAheadMs: 56 * DAY,
  windowRefreshMs: 7 * DAY,
  catchUpIntervalMs: 6 * 3600_000,
  pollIntervalMs: 3 * 60_000,
  // Google's channels live at most 7 days; Graph event subscriptions 10,080 minutes (asked a bit less).
  pushTtlSeconds: { google: 7 * 24 * 3600, microsoft: 10_000 * 60 },
  sweepEveryMs: 60_000,
  sweepLimit: 500,
};

/** Dependencies of every sync-worker job. */
export interface SyncDeps {
  db: Database;
  producers: Producers;
  vault: TokenVault;
  oauth: Pick<OAuth, 'refresh' | 'revoke'>;
  /**
   * The adapter for one connection on its refreshing token source (`openConnection` of
   * `@frontload/connections` in production).
   */
  providerFor: (connection: ConnectionRow) => Promise<CalendarProvider>;
  now: () => Date;
  /** PUSH_PUBLIC_URL; absent: no push channels, poll instead. */
  pushPublicUrl?: string | undefined;
  tuning: SyncTuning;
}
