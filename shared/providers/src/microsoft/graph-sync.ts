/**
 * Reads over Graph: `listChanges` with calendarView delta (PROVIDERS.md §2, M-DELTA, M-DQE) and single
 * events. A full round starts at `/calendarView/delta?startDateTime&endDateTime` (the window is fixed
 * there and encoded in the state tokens), follows `@odata.nextLink` until `@odata.deltaLink`, whose
 * whole URL is the cursor; an incremental round GETs the stored deltaLink. 410 SyncStateNotFound →
 * `cursor_expired` (graphError). `$expand`/`$select` are not supported on delta, so our extended
 * property is not visible there; the tag is read from the `transactionId` instead (map-graph-event.ts).
 */
import type { CalendarEvent } from '@frontload/domain';
import type { ChangeSet, EventChange, ListChangesRequest, TimeWindow } from '../calendar-provider.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { instantMs } from '../provider-time.js';
import type { GraphClient } from './graph-client.js';
import {
  GRAPH_TAG_PROPERTY_ID,
  mapGraphEvent,
  type GraphDeltaItem,
  type GraphMapContext,
} from './map-graph-event.js';

/** Items per delta page (`Prefer: odata.maxpagesize`; Graph may send fewer). */
const PAGE_SIZE = 200;
const MAX_PAGES = 10_000;
/** UTC responses whatever the mailbox zone (PROVIDERS.md §6; it is Graph's default, said explicitly). */
export const PREFER_UTC = 'outlook.timezone="UTC"';
/** Expands our tag on reads that allow `$expand` (M-EXT). */
export const EXPAND_TAG = `singleValueExtendedProperties($filter=id eq '${GRAPH_TAG_PROPERTY_ID}')`;

/** What the Graph read and write helpers share. */
export interface GraphContext {
  client: GraphClient;
  /** `/me` (default calendar) or `/me/calendars/{id}`. */
  calendarBase: string;
  /** Context for the mapper (self address resolved once). */
  mapContext(): Promise<GraphMapContext>;
}

interface DeltaPage {
  value?: GraphDeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

function overlaps(event: CalendarEvent, window: TimeWindow): boolean {
  return instantMs(event.end) > instantMs(window.start) && instantMs(event.start) < instantMs(window.end);
}

/**
 * Delta may report items outside the window (I-GRAPH-6599): upserts outside it are dropped, tombstones
 * kept (removing an unknown id is a no-op for the mirror).
 */
function keep(change: EventChange, window: TimeWindow): boolean {
  return change.type === 'delete' || overlaps(change.event, window);
}

async function fetchPage(ctx: GraphContext, request: ListChangesRequest, link: string | undefined) {
  return ctx.client.run('calendarView.delta', (client) => {
    const prefer = `odata.maxpagesize=${PAGE_SIZE}, ${PREFER_UTC}`;
    if (link)
      return client.api(ctx.client.linkPath(link)).header('Prefer', prefer).get() as Promise<DeltaPage>;
    return client
      .api(`${ctx.calendarBase}/calendarView/delta`)
      .query({ startDateTime: request.window.start, endDateTime: request.window.end })
      .header('Prefer', prefer)
      .get() as Promise<DeltaPage>;
  });
}

/** One full or incremental delta round, every page followed; see the file comment for the rules. */
export async function listGraphChanges(ctx: GraphContext, request: ListChangesRequest): Promise<ChangeSet> {
  const mapContext = await ctx.mapContext();
  const changes: EventChange[] = [];
  let link = request.cursor;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data = await fetchPage(ctx, request, link);
    for (const item of data.value ?? []) {
      const change = mapGraphEvent(item, mapContext);
      if (keep(change, request.window)) changes.push(change);
    }
    const deltaLink = data['@odata.deltaLink'];
    if (deltaLink) return { changes, nextCursor: deltaLink, full: request.cursor === undefined };
    link = data['@odata.nextLink'];
    if (!link)
      throw new ProviderError('transient', 'microsoft', 'Graph delta page without nextLink or deltaLink');
  }
  throw new ProviderError('permanent', 'microsoft', `Graph delta did not end after ${MAX_PAGES} pages`);
}

/** Maps an event from a GET or write response (never a tombstone). */
export async function mapGraphOne(ctx: GraphContext, item: GraphDeltaItem): Promise<CalendarEvent> {
  const change = mapGraphEvent(item, await ctx.mapContext());
  if (change.type === 'upsert') return change.event;
  throw new ProviderError('not_found', 'microsoft', `Graph event ${change.id} was removed`);
}

/** The event with our tag expanded, or undefined when it is gone. */
export async function getGraphEvent(ctx: GraphContext, id: string): Promise<CalendarEvent | undefined> {
  try {
    const item = await ctx.client.run(
      'events.get',
      (client) =>
        client
          .api(`/me/events/${encodeURIComponent(id)}`)
          .expand(EXPAND_TAG)
          .header('Prefer', PREFER_UTC)
          .get() as Promise<GraphDeltaItem>,
    );
    return await mapGraphOne(ctx, item);
  } catch (error) {
    if (isProviderError(error) && error.kind === 'not_found') return undefined;
    throw error;
  }
}
