/**
 * GET /me/calendarView/delta (PROVIDERS.md §2, M-DELTA). The first request fixes the window; every later
 * link carries it in opaque server-side state. A round diffs the mailbox's current instances (occurrences
 * and exceptions expanded, masters never) against the snapshot the previous deltaLink captured: new and
 * changed items come back in full, vanished ones as `@removed` tombstones. Changes made while a client is
 * still paging land in the next round, because the snapshot is taken when the round starts.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission } from './auth.js';
import { graphBase, sendGraph, type MicrosoftContext } from './context.js';
import { badRequest, GraphError } from './errors.js';
import { CALENDAR_BASES, renderEvent, windowOf } from './events-routes.js';
import type { EventView } from './model.js';
import { preferences, queryParam } from './odata.js';
import { removedItem } from './serialize.js';
import { changeKeyOf } from './store.js';
import { calendarView } from './views.js';

/** Graph's calendarView page size when no `Prefer: odata.maxpagesize` is sent. */
const DEFAULT_PAGE = 10;
/** Larger preferences are capped: Prefer is advisory in OData, so Graph may return fewer items. */
const MAX_PAGE = 1000;
/** Sync states (delta and skip tokens) remembered per mailbox. */
const MAX_STATES_PER_MAILBOX = 200;
const UNSUPPORTED = ['$select', '$filter', '$orderby', '$search', '$top', '$skip'];

type Item = { view: EventView } | { removedId: string };

interface SyncState {
  mailboxId: string;
  generation: number;
  fromMs: number;
  toMs: number;
  /** Item id → changeKey at the start of the round that produced this state. */
  snapshot: Map<string, string>;
  /** Only on skiptoken states: what is left to send in this round. */
  pending?: Item[];
}

export class DeltaTokens {
  private readonly states = new Map<string, SyncState>();

  issue(state: SyncState): string {
    const prefix = Buffer.from(`${state.mailboxId}.${state.generation}`).toString('base64url');
    const token = `${prefix}.${randomBytes(18).toString('base64url')}`;
    this.states.set(token, state);
    // Exchange keeps a few sync-state generations per mailbox; older links answer SyncStateNotFound
    // (I-GRAPH-2162). Keeping a bounded number also stops long load tests from growing memory.
    const mine = [...this.states].filter(([, s]) => s.mailboxId === state.mailboxId);
    for (const [old] of mine.slice(0, Math.max(0, mine.length - MAX_STATES_PER_MAILBOX)))
      this.states.delete(old);
    return token;
  }

  /** 410 SyncStateNotFound for tokens of an older generation or unknown to this sandbox (I-GRAPH-2877). */
  take(ctx: MicrosoftContext, mailboxId: string, token: string, parameter: string): SyncState {
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      throw badRequest(`The value '${token}' of parameter '${parameter}' is invalid.`, 'InvalidDeltaToken');
    }
    const state = this.states.get(token);
    const current = ctx.store.generation(mailboxId);
    if (state?.mailboxId !== mailboxId || state.generation !== current) {
      const generation = state?.generation ?? 0;
      throw new GraphError(
        410,
        'SyncStateNotFound',
        `The sync state generation is not found; generation=${generation};[highest=${current}][${current}].`,
      );
    }
    return state;
  }

  clear(): void {
    this.states.clear();
  }
}

function snapshotOf(views: EventView[]): Map<string, string> {
  return new Map(views.map((v) => [v.id, changeKeyOf(v.id, v.version)]));
}

function diff(previous: Map<string, string>, views: EventView[]): Item[] {
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const view of views) {
    seen.add(view.id);
    if (previous.get(view.id) !== changeKeyOf(view.id, view.version)) items.push({ view });
  }
  for (const id of previous.keys()) if (!seen.has(id)) items.push({ removedId: id });
  return items;
}

function pageSize(request: FastifyRequest): number {
  const n = Number(preferences(request).get('odata.maxpagesize'));
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_PAGE) : DEFAULT_PAGE;
}

/** Starts a round: the initial request (empty snapshot) or a deltaLink (the stored snapshot). */
function startRound(ctx: MicrosoftContext, mailboxId: string, base: Omit<SyncState, 'pending'>): SyncState {
  const views = calendarView(ctx.store, mailboxId, base.fromMs, base.toMs);
  return { ...base, snapshot: snapshotOf(views), pending: diff(base.snapshot, views) };
}

function resolveRound(
  ctx: MicrosoftContext,
  tokens: DeltaTokens,
  request: FastifyRequest,
  mailboxId: string,
): SyncState {
  const skip = queryParam(request, '$skiptoken');
  if (skip !== undefined) return tokens.take(ctx, mailboxId, skip, '$skiptoken');
  const delta = queryParam(request, '$deltatoken');
  if (delta !== undefined)
    return startRound(ctx, mailboxId, tokens.take(ctx, mailboxId, delta, '$deltatoken'));
  for (const option of UNSUPPORTED) {
    if (queryParam(request, option) !== undefined) {
      throw badRequest(
        `The following parameters are not supported with change tracking over the 'CalendarView' resource: '${option}'.`,
        'ErrorInvalidUrlQuery',
      );
    }
  }
  const { fromMs, toMs } = windowOf(request);
  const generation = ctx.store.generation(mailboxId);
  return startRound(ctx, mailboxId, { mailboxId, generation, fromMs, toMs, snapshot: new Map() });
}

export function registerDeltaRoutes(app: FastifyInstance, ctx: MicrosoftContext, tokens: DeltaTokens): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const caller = requirePermission(request, 'calendars.read');
    const round = resolveRound(ctx, tokens, request, caller.account.id);
    const pending = round.pending ?? [];
    const size = pageSize(request);
    const pageItems = pending.slice(0, size);
    const rest = pending.slice(size);
    const link = `${graphBase(ctx.core)}${request.url.split('?')[0]?.replace(/^\/v1\.0/, '') ?? '/me/calendarView/delta'}`;
    const body: Record<string, unknown> = {
      '@odata.context': `${graphBase(ctx.core)}/$metadata#Collection(event)`,
    };
    const state: SyncState = {
      mailboxId: round.mailboxId,
      generation: round.generation,
      fromMs: round.fromMs,
      toMs: round.toMs,
      snapshot: round.snapshot,
    };
    if (rest.length > 0)
      body['@odata.nextLink'] = `${link}?$skiptoken=${tokens.issue({ ...state, pending: rest })}`;
    else body['@odata.deltaLink'] = `${link}?$deltatoken=${tokens.issue(state)}`;
    body.value = pageItems.map((item) =>
      'view' in item
        ? { '@odata.type': '#microsoft.graph.event', ...renderEvent(ctx, request, item.view) }
        : removedItem(item.removedId),
    );
    void reply.header('preference-applied', 'odata.track-changes');
    return sendGraph(request, reply, 200, body);
  };
  for (const base of CALENDAR_BASES) app.get(`${base}/calendarView/delta`, handler);
}
