/**
 * Series helpers for the end-to-end suites: where a user's own "all events" move of a series puts its
 * master, and which series continues one Frontload moved (a series move ends the old series and
 * continues it under a new id, recorded as the operation's provider result).
 */
import { repositories, type Database } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';

type Slot = { start: string; end: string };

const local = (instant: string, zone: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(zone);

/** Where the master goes when the user moves the whole series so that `from` becomes `to`. */
export function shiftedMaster(master: CalendarEvent, from: Slot, to: Slot, zone: string): Slot {
  const a = local(from.start, zone);
  const b = local(to.start, zone);
  const days = a.toPlainDate().until(b.toPlainDate()).days;
  const start = local(master.start, zone).add({ days }).with({ hour: b.hour, minute: b.minute, second: 0 });
  const durationMs = Date.parse(to.end) - Date.parse(to.start);
  return {
    start: start.toInstant().toString(),
    end: Temporal.Instant.fromEpochMilliseconds(start.epochMilliseconds + durationMs).toString(),
  };
}

/** The id of the series that continues `seriesId` after the plan `planId` moved it, if it did. */
export async function continuingSeries(
  db: Database,
  planId: string,
  seriesId: string,
): Promise<string | undefined> {
  const rows = await repositories(db).plans.operations(planId);
  const row = rows.find(
    (r) =>
      r.kind === 'moveSeries' &&
      r.status === 'applied' &&
      (r.desired as { seriesId?: string }).seriesId === seriesId,
  );
  return (row?.provider_result as { id?: string } | null)?.id;
}
