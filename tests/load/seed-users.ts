/**
 * N connected users in bulk, without a consent round trip each: a Google account per user on the
 * sandbox with a small week of meetings, a real offline grant minted by the sandbox control API
 * (POST /_sandbox/accounts/:id/tokens — ordinary sandbox tokens, so the real adapters refresh and
 * use them), then the users and connections rows inserted in batches (tokens sealed with the vault,
 * as the OAuth callback stores them) and the initial sync queued for every connection, exactly as the
 * callback queues it. Users are in autopilot with a confirmed preview, so their first plan applies.
 */
import { randomUUID } from 'node:crypto';
import { OAUTH_SCOPES } from '@frontload/providers/oauth';
import type { LoadStack } from './stack.js';

export interface SeededUser {
  userId: string;
  connectionId: string;
  accountId: string;
  email: string;
  zone: string;
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'America/Los_Angeles'];
const BATCH = 1_000;

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The calendar date (YYYY-MM-DD) of the Monday after `now`, `weeks` weeks on. */
function mondayAfter(now: Date, weeks = 0): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const toMonday = ((8 - day.getUTCDay()) % 7 || 7) + weeks * 7;
  return new Date(day.getTime() + toMonday * 86_400_000).toISOString().slice(0, 10);
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A small week: four accepted meetings organised by someone else, in the user's zone. */
function smallWeek(email: string, zone: string, monday: string) {
  const slots: [number, string, string, string][] = [
    [0, '10:00', '10:30', 'Team sync'],
    [1, '14:00', '15:00', 'Design review'],
    [2, '11:00', '11:30', '1:1 with Sam'],
    [3, '15:00', '16:00', 'Planning'],
  ];
  return slots.map(([day, start, end, summary]) => ({
    summary,
    start: { dateTime: `${addDays(monday, day)}T${start}:00`, timeZone: zone },
    end: { dateTime: `${addDays(monday, day)}T${end}:00`, timeZone: zone },
    organizer: { email: 'sam@team.sandbox.test' },
    attendees: [
      { email: 'sam@team.sandbox.test', organizer: true, responseStatus: 'accepted' },
      { email, self: true, responseStatus: 'accepted' },
    ],
  }));
}

interface Minted {
  accessToken: string;
  refreshToken: string;
  expiresAtMs: number;
  scopes: string[];
}

/** Creates the sandbox side of `count` users (account, week, grant). */
async function seedSandbox(stack: LoadStack, count: number, runId: string) {
  const monday = mondayAfter(new Date());
  const indexes = Array.from({ length: count }, (_, i) => i);
  return pool(indexes, 16, async (i) => {
    const zone = ZONES[i % ZONES.length]!;
    const email = `tlm${i}.${runId}@load.sandbox.test`;
    const account = await stack.sandbox.createAccount({
      provider: 'google',
      email,
      name: `Load TLM ${i}`,
      timeZone: zone,
    });
    await stack.sandbox.control('POST', `/accounts/${account.id}/events`, {
      events: smallWeek(account.email, zone, monday),
    });
    const tokens = await stack.sandbox.control<Minted>('POST', `/accounts/${account.id}/tokens`, {
      scopes: OAUTH_SCOPES.google,
    });
    return { accountId: account.id, email: account.email, zone, tokens };
  });
}

/** Inserts users and connections in batches; returns them with their new ids. */
async function insertRows(stack: LoadStack, seeded: Awaited<ReturnType<typeof seedSandbox>>) {
  const users: SeededUser[] = seeded.map((s) => ({
    userId: randomUUID(),
    connectionId: randomUUID(),
    accountId: s.accountId,
    email: s.email,
    zone: s.zone,
  }));
  for (let from = 0; from < users.length; from += BATCH) {
    const batch = users.slice(from, from + BATCH);
    const sealed = batch.map((u, i) => {
      const { accessToken, refreshToken, expiresAtMs, scopes } = seeded[from + i]!.tokens;
      return stack.vault.seal(
        { accessToken, refreshToken, expiresAt: expiresAtMs, scopes },
        { userId: u.userId, provider: 'google' },
      );
    });
    await stack.db.query(
      `insert into users (id, email, name, time_zone, mode, preview_confirmed_at)
       select id, email, email, zone, 'autopilot', now()
       from unnest($1::uuid[], $2::text[], $3::text[]) as t(id, email, zone)`,
      [batch.map((u) => u.userId), batch.map((u) => u.email), batch.map((u) => u.zone)],
    );
    await stack.db.query(
      `insert into connections (id, user_id, provider, account_subject, account_email, sealed_tokens, scopes, status)
       select id, user_id, 'google', subject, email, sealed, $6::text[], 'syncing'
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])
         as t(id, user_id, subject, email, sealed)`,
      [
        batch.map((u) => u.connectionId),
        batch.map((u) => u.userId),
        batch.map((u) => u.accountId),
        batch.map((u) => u.email),
        sealed,
        OAUTH_SCOPES.google,
      ],
    );
  }
  return users;
}

/** Seeds `count` connected users and queues their initial syncs (the workers may start before or after). */
export async function seedUsers(stack: LoadStack, count: number): Promise<SeededUser[]> {
  const runId = randomUUID().slice(0, 6);
  const users = await insertRows(stack, await seedSandbox(stack, count, runId));
  await pool(users, 32, (u) =>
    stack.producers.enqueueSync({ connectionId: u.connectionId, reason: 'initial' }),
  );
  return users;
}
