import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { loadMigrations, migrate } from './migrate.js';

// The same suite runs on a real Postgres server and on embedded PGlite: same SQL, same migrations.
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

const tables = [
  'users',
  'sessions',
  'api_tokens',
  'connections',
  'events',
  'people',
  'preferences',
  'plans',
  'operations',
  'audit',
  'webhook_endpoints',
  'webhook_deliveries',
];

describe.each(drivers)('database on $name', ({ open }) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ db, cleanup } = await open()));
  afterAll(() => cleanup());

  it('applies every migration to an empty database and creates every table of the data model', async () => {
    const applied = await migrate(db);
    expect(applied).toEqual((await loadMigrations()).map((m) => m.name));
    const { rows } = await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public'`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining([...tables, 'schema_migrations']));
  });

  it('applying the migrations a second time changes nothing', async () => {
    const before = await db.query('select version, applied_at from schema_migrations order by version');
    expect(await migrate(db)).toEqual([]);
    const after = await db.query('select version, applied_at from schema_migrations order by version');
    expect(after.rows).toEqual(before.rows);
  });

  it('the sweep finds runs being applied through a partial index, not by reading every plan', async () => {
    const plan = await db.transaction(async (tx) => {
      await tx.exec('set local enable_seqscan = off');
      const { rows } = await tx.query<Record<string, string>>(
        `explain select id, kind, undo_of from plans where state = 'applying' order by created_at limit 50`,
      );
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
    expect(plan).toMatch(/Index Scan (using|on) plans_applying/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('the last skip week of a user is found through a partial index, not by reading every operation', async () => {
    const plan = await db.transaction(async (tx) => {
      await tx.exec('set local enable_seqscan = off');
      const { rows } = await tx.query<Record<string, string>>(
        `explain select max(o.desired->>'skipWeek') from operations o join plans p on p.id = o.plan_id
         where p.user_id = gen_random_uuid() and o.kind = 'cancelOccurrence' and o.status = 'applied'`,
      );
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
    expect(plan).toMatch(/Index Scan (using|on) operations_applied_cancels/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  describe('transactions', () => {
    afterEach(async () => void (await db.query('delete from users')));

    it('commits every statement of a transaction together', async () => {
      await db.transaction(async (tx) => {
        await tx.query(`insert into users (email) values ('a@example.com')`);
        await tx.query(`insert into users (email) values ('b@example.com')`);
      });
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from users');
      expect(rows[0]?.n).toBe(2);
    });

    it('rolls back every statement when the transaction throws', async () => {
      await expect(
        db.transaction(async (tx) => {
          const id = '00000000-0000-4000-8000-0000000000c1';
          await tx.query(`insert into users (id, email) values ($1, 'c@example.com')`, [id]);
          await tx.query(`insert into users (id, email) values ($1, 'c@example.com')`, [id]); // unique violation
        }),
      ).rejects.toThrow(/duplicate key|unique/i);
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from users');
      expect(rows[0]?.n).toBe(0);
    });
  });

  it('deleting a user removes every row that belongs to them (cascade)', async () => {
    const { rows } = await db.query<{ id: string }>(
      `insert into users (email) values ('tlm@example.com') returning id`,
    );
    const userId = rows[0]!.id;
    const conn = await db.query<{ id: string }>(
      `insert into connections (user_id, provider, account_subject, account_email, sealed_tokens)
       values ($1, 'google', 'sub-1', 'tlm@example.com', 'sealed') returning id`,
      [userId],
    );
    await db.query(
      `insert into events (connection_id, provider_event_id, kind, status, attendees)
       values ($1, 'evt1', 'single', 'confirmed', $2::jsonb)`,
      [conn.rows[0]!.id, JSON.stringify([{ email: 'report@example.com' }])],
    );
    await db.query(`insert into people (user_id, email) values ($1, 'report@example.com')`, [userId]);
    await db.query('delete from users where id = $1', [userId]);
    for (const table of ['connections', 'events', 'people']) {
      const count = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      expect(count.rows[0]?.n, table).toBe(0);
    }
  });
});

describe('database on postgres when the server ends its sessions', () => {
  it('a transaction whose session is terminated between statements fails, without an unheard client error, and the pool recovers', async () => {
    const testDb = await createTestDatabase();
    const db = await openDatabase({ url: testDb.url, maxConnections: 2 });
    const admin = await openDatabase({ url: testDb.url, maxConnections: 1 });
    const unheard: unknown[] = [];
    const onUncaught = (error: unknown) => unheard.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const attempt = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
        // The session ends while the transaction waits between two statements.
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.query('select 1');
      });
      await expect(attempt).rejects.toThrow();
      expect(unheard).toEqual([]);
      expect((await db.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await admin.close();
      await db.close();
      await testDb.drop();
    }
  });
});
