import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { migrate } from './migrate.js';
import { intentRepository } from './repositories/intent.js';

// The same suite on a real Postgres server and on embedded PGlite (what `npm start` runs).
const drivers: { name: string; open: () => Promise<{ db: Database; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'postgres',
    async open() {
      const testDb: TestDatabase = await createTestDatabase();
      const db = await openDatabase({ url: testDb.url, maxConnections: 4 });
      return { db, cleanup: async () => (await db.close(), await testDb.drop()) };
    },
  },
  {
    name: 'pglite',
    async open() {
      const db = await openDatabase({});
      return { db, cleanup: () => db.close() };
    },
  },
];

describe.each(drivers)('user overrides on $name', ({ open }) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  let userId: string;
  let connectionId: string;
  const override = (targetId: string) => ({
    connectionId,
    targetId,
    targetKind: 'series' as const,
    title: '1:1 Bob',
    counterpart: 'bob@acme.test',
    evidenceAt: new Date('2026-03-02T08:00:00Z'),
  });

  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await migrate(db);
    userId = (
      await db.query<{ id: string }>(`insert into users (email) values ('alex@acme.test') returning id`)
    ).rows[0]!.id;
    connectionId = (
      await db.query<{ id: string }>(
        `insert into connections (user_id, provider, account_subject, account_email, sealed_tokens)
         values ($1, 'google', 'alex', 'alex@acme.test', 'sealed') returning id`,
        [userId],
      )
    ).rows[0]!.id;
  });
  afterAll(async () => cleanup());

  it('keeps one override in force per event, and a handed-back one can be overridden again', async () => {
    const intent = intentRepository(db);
    expect(await intent.add(userId, [override('s1')])).toHaveLength(1);
    expect(await intent.add(userId, [override('s1')])).toEqual([]);
    const [active] = await intent.active(userId);
    expect(active).toMatchObject({ target_id: 's1', target_kind: 'series', released_at: null });

    const releasedAt = new Date('2026-03-03T08:00:00Z');
    expect((await intent.release(userId, active!.id, releasedAt))?.released_at).toEqual(releasedAt);
    expect(await intent.release(userId, active!.id, releasedAt)).toBeUndefined();
    expect(await intent.active(userId)).toEqual([]);
    expect(await intent.releases(userId)).toEqual([
      { connection_id: connectionId, target_id: 's1', released_at: releasedAt },
    ]);
    expect(await intent.add(userId, [override('s1')])).toHaveLength(1);
  });

  it('hands back only the caller’s own overrides', async () => {
    const intent = intentRepository(db);
    const [mine] = await intent.add(userId, [override('s2')]);
    const other = (
      await db.query<{ id: string }>(`insert into users (email) values ('eve@acme.test') returning id`)
    ).rows[0]!.id;
    expect(await intent.release(other, mine!.id, new Date())).toBeUndefined();
    expect((await intent.active(userId)).map((o) => o.target_id)).toContain('s2');
  });
});
