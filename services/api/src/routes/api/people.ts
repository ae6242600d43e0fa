/**
 * The caller's counterparts: people they set toggles for (the `people` table) plus people detected
 * in the mirror as 1:1 partners. Detection is deliberately simple (the planner's classifier decides
 * what really is a 1:1): an event whose attendees, rooms and the user excluded, are exactly one
 * person. The series' recurrence gives the cadence; the last past, uncancelled one is the last held.
 */
import { repositories, type Database, type DetectedPersonRow, type PersonRow } from '@frontload/db';
import { EmailAddress, type Recurrence } from '@frontload/domain';
import type { Producers } from '@frontload/jobs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { replanAfterSettingsChange } from './replan.js';

const PersonView = Type.Object({
  email: Type.String(),
  displayName: Type.String(),
  protected: Type.Boolean(),
  fixed: Type.Boolean(),
  /** Seen in the mirror as a 1:1 partner. */
  detected: Type.Boolean(),
  cadence: Type.Union([Type.String(), Type.Null()]),
  lastHeldAt: Type.Union([Type.String(), Type.Null()]),
});
type Person = Static<typeof PersonView>;

/** "weekly", "every 2 weeks", … in words a user reads. */
export function cadenceText(recurrence: Recurrence | null): string | null {
  if (!recurrence) return null;
  const unit = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' }[recurrence.frequency];
  if (recurrence.interval === 1) return recurrence.frequency;
  return `every ${recurrence.interval} ${unit}s`;
}

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

function merge(stored: PersonRow[], detected: DetectedPersonRow[]): Person[] {
  const byEmail = new Map<string, Person>();
  const found = new Map(detected.map((d) => [d.email, d]));
  for (const row of stored) {
    const d = found.get(row.email);
    byEmail.set(row.email, {
      email: row.email,
      // A name set for the person wins; else the one the calendar lists them with.
      displayName: row.display_name || d?.name || '',
      protected: row.protected,
      fixed: row.fixed,
      detected: d !== undefined,
      cadence: cadenceText(d?.recurrence ?? null),
      lastHeldAt: later(row.last_held_at, d?.last_held ?? null)?.toISOString() ?? null,
    });
  }
  for (const d of detected) {
    if (byEmail.has(d.email)) continue;
    byEmail.set(d.email, {
      email: d.email,
      displayName: d.name ?? '',
      protected: false,
      fixed: false,
      detected: true,
      cadence: cadenceText(d.recurrence),
      lastHeldAt: d.last_held?.toISOString() ?? null,
    });
  }
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}

export const peopleRoutes: FastifyPluginAsyncTypebox<{
  db: Database;
  producers: Producers;
  now: () => Date;
}> = async (app, { db, producers, now }) => {
  const repos = repositories(db);
  app.addHook('preHandler', app.requireUser);

  app.get(
    '/people',
    { schema: { response: { 200: Type.Object({ people: Type.Array(PersonView) }) } } },
    async (request) => {
      const userId = request.user!.id;
      const stored = await repos.people.listForUser(userId);
      const detected = await repos.people.detected(userId, now());
      return { people: merge(stored, detected) };
    },
  );

  app.patch(
    '/people/:email',
    {
      schema: {
        params: Type.Object({ email: EmailAddress }),
        body: Type.Object(
          { protected: Type.Optional(Type.Boolean()), fixed: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
      },
    },
    async (request) => {
      const userId = request.user!.id;
      const email = request.params.email.toLowerCase();
      const row = await repos.people.setToggles(userId, email, request.body);
      await repos.audit.record({
        userId,
        actor: 'user',
        action: 'person.updated',
        details: { email, ...request.body },
      });
      // Protected and fixed change what the plan may do: replan, and the new plan replaces the preview.
      await replanAfterSettingsChange(producers, userId, 'people');
      return { email: row.email, protected: row.protected, fixed: row.fixed };
    },
  );
};
