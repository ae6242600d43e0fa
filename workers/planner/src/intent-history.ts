/**
 * Reads the ledger for the intent model (intent.ts), stores the overrides it finds (each recorded in
 * the audit log) and returns the planner's history fields: the focus blocks the user deleted and every
 * override in force, detected now or earlier and not handed back.
 */
import {
  intentRepository,
  repositories,
  type ConnectionRow,
  type Database,
  type EvidenceRow,
} from '@frontload/db';
import {
  CreateFocusBlockSchema,
  DeleteFocusBlockSchema,
  MoveOccurrenceSchema,
  MoveSeriesSchema,
  UpdateFocusBlockSchema,
  type CalendarEvent,
  type PlannerHistory,
} from '@frontload/domain';
import Type from 'typebox';
import { Value } from 'typebox/value';
import { deriveIntent, type Evidence } from './intent.js';

/** How far back applied operations are read: a deletion matters in its week, an override is stored once found. */
const APPLIED_DAYS = 28;
/** How far back previews are read: the newest that showed a move for an event is the one that counts. */
const SHOWN_DAYS = 7;

const EvidenceOperation = Type.Union([
  MoveSeriesSchema,
  MoveOccurrenceSchema,
  CreateFocusBlockSchema,
  UpdateFocusBlockSchema,
  DeleteFocusBlockSchema,
]);

const text = (value: unknown, key: string): string | undefined => {
  const field =
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === 'string' && field.length > 0 ? field : undefined;
};

function toEvidence(row: EvidenceRow): Evidence | undefined {
  if (!Value.Check(EvidenceOperation, row.desired)) return undefined;
  const applied = row.status === 'applied';
  return {
    op: row.desired,
    applied,
    at: (applied ? row.updated_at : row.planned_at).getTime(),
    resultId: text(row.provider_result, 'id') ?? text(row.after_snapshot, 'id'),
    beforeEtag: text(row.before_snapshot, 'etag'),
    afterEtag: text(row.provider_result, 'etag') ?? text(row.after_snapshot, 'etag'),
  };
}

export async function intentHistory(
  db: Database,
  userId: string,
  connection: ConnectionRow,
  events: readonly CalendarEvent[],
  now: Date,
): Promise<Pick<PlannerHistory, 'deletedFocusBlocks' | 'userOverrides'>> {
  const repos = { ...repositories(db), intent: intentRepository(db) };
  const rows = await repos.intent.evidence(userId, APPLIED_DAYS, SHOWN_DAYS);
  const evidence = rows
    .filter((row) => row.connection_id === connection.id)
    .flatMap((row) => toEvidence(row) ?? []);
  const ofConnection = <T extends { connection_id: string }>(list: T[]) =>
    list.filter((row) => row.connection_id === connection.id);
  const active = ofConnection(await repos.intent.active(userId));
  const releases = ofConnection(await repos.intent.releases(userId));
  const intent = deriveIntent({
    now: now.getTime(),
    syncedAt: connection.last_synced_at?.getTime() ?? null,
    fullSyncedAt: connection.full_synced_at?.getTime() ?? null,
    events,
    evidence,
    releases: new Map(releases.map((r) => [r.target_id, new Date(r.released_at).getTime()])),
    active: new Set(active.map((o) => o.target_id)),
  });
  const stored = await repos.intent.add(
    userId,
    intent.overrides.map((o) => ({
      connectionId: connection.id,
      targetId: o.targetId,
      targetKind: o.targetKind,
      title: o.title,
      counterpart: o.counterpart,
      evidenceAt: new Date(o.evidenceAt),
    })),
  );
  for (const o of stored) {
    await repos.audit.record({
      userId,
      actor: 'planner',
      action: 'override.detected',
      details: { overrideId: o.id, title: o.title, counterpart: o.counterpart, kind: o.target_kind },
    });
  }
  return {
    deletedFocusBlocks: intent.deletedFocusBlocks,
    userOverrides: [...new Set([...active, ...stored].map((o) => o.target_id))].sort(),
  };
}
