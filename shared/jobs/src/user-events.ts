/**
 * What a user's open pages hear live. A process that changes something of a user's (a sync, a plan,
 * an apply step, an alert, a settings change) says so on that user's own Redis pub/sub channel; the
 * API forwards the channel of each signed-in page as server-sent events (services/api stream route).
 *
 * A message names what changed (a kind and ids), never its content: the page asks the API again with
 * its session, so the stream shows nothing an API read would not. Pub/sub keeps nothing, so a message
 * sent while no page listens is simply gone; the page looks again on every (re)connect and polls with
 * ETags while the stream is down. A failed publish is therefore reported and dropped, never thrown:
 * it must not fail the job or request that made the change.
 */
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

const closed = { additionalProperties: false } as const;
const id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' });

export const UserEventSchema = Type.Union([
  /** A connection's sync brought changes, or its state changed (synced, lost, disconnected). */
  Type.Object({ kind: Type.Literal('calendar'), connectionId: id }, closed),
  /** A plan was stored, found unchanged (checked again) or rejected. */
  Type.Object(
    {
      kind: Type.Literal('plan'),
      outcome: Type.Union([Type.Literal('stored'), Type.Literal('unchanged'), Type.Literal('rejected')]),
      planId: Type.Optional(id),
    },
    closed,
  ),
  /** A run made progress (`done` of `total` operations finished) or ended (`state`). */
  Type.Object(
    {
      kind: Type.Literal('run'),
      runId: id,
      state: Type.String({ maxLength: 32 }),
      done: Type.Integer({ minimum: 0 }),
      total: Type.Integer({ minimum: 0 }),
    },
    closed,
  ),
  /** Alerts were raised or cleared for the user. */
  Type.Object({ kind: Type.Literal('alerts') }, closed),
  /**
   * A setting changed: the user changed it (from any page or with an API token), or the system did (a
   * webhook endpoint turned off after failing). `origin` is the page that made the change, when it said
   * so: that page already shows it and does not draw the section again.
   */
  Type.Object(
    {
      kind: Type.Literal('settings'),
      section: Type.Union([
        Type.Literal('preferences'),
        Type.Literal('people'),
        Type.Literal('webhooks'),
        Type.Literal('connections'),
        Type.Literal('account'),
      ]),
      origin: Type.Optional(id),
    },
    closed,
  ),
]);
export type UserEvent = Static<typeof UserEventSchema>;
/** The sections a settings change can touch. */
export type SettingsSection = Extract<UserEvent, { kind: 'settings' }>['section'];

/** The pub/sub channel of one user's events (`prefix` is QUEUE_PREFIX, as for the queues). */
export const userEventChannel = (prefix: string, userId: string) => `${prefix}:user-events:${userId}`;

/** A message read off a channel, or undefined when it is not one of ours (checked like any input). */
export function parseUserEvent(message: string): UserEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  return Value.Check(UserEventSchema, parsed) ? parsed : undefined;
}
