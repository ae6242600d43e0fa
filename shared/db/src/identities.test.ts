import { createTestDatabase, type TestDatabase } from '@frontload/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { loadMigrations, migrate } from './migrate.js';
import { repositories } from './repositories/index.js';

describe('user identities (migration 009 and sign-in)', () => {
  let testDb: TestDatabase | undefined;
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    await testDb?.drop();
  });

  async function openAt(lastVersion: number): Promise<Database> {
    testDb = await createTestDatabase();
    db = await openDatabase({ url: testDb.url, maxConnections: 4 });
    await migrate(
      db,
      (await loadMigrations()).filter((m) => m.version <= lastVersion),
    );
    return db;
  }

  const insertUser = async (db: Database, email: string) =>
    (await db.query<{ id: string }>('insert into users (email) values ($1) returning id', [email])).rows[0]!
      .id;
  const connect = (db: Database, userId: string, subject: string, email: string) =>
    db.query(
      `insert into connections (user_id, provider, account_subject, account_email, sealed_tokens)
       values ($1, 'microsoft', $2, $3, 'sealed')`,
      [userId, subject, email],
    );

  it('backfills one identity per connected account, keeps every user, and the next sign-in finds the same user', async () => {
    const db = await openAt(8);
    const owner = await insertUser(db, 'pat@example.com');
    const borrower = await insertUser(db, 'sam@example.com');
    const unconnected = await insertUser(db, 'lee@example.com');
    await connect(db, borrower, 'oid-pat', 'pat@example.com'); // Sam connected Pat's account first…
    await connect(db, owner, 'oid-pat', 'pat@example.com'); // …but Pat signs in with it.
    await connect(db, borrower, 'oid-sam', 'sam@example.com');
    await migrate(db);

    const { rows: identities } = await db.query<{ subject: string; user_id: string; issuer: string }>(
      'select subject, user_id, issuer from user_identities order by subject',
    );
    expect(identities).toEqual([
      { subject: 'oid-pat', user_id: owner, issuer: '' },
      { subject: 'oid-sam', user_id: borrower, issuer: '' },
    ]);
    const { rows: users } = await db.query<{ id: string }>('select id from users');
    expect(users.map((u) => u.id).sort()).toEqual([owner, borrower, unconnected].sort());

    const repos = repositories(db);
    const signIn = await repos.users.signIn({
      provider: 'microsoft',
      issuer: 'tenant-1',
      subject: 'oid-pat',
      email: 'pat@example.com',
      emailVerified: false,
      name: 'Pat',
    });
    expect(signIn).toMatchObject({ created: false, user: { id: owner } });
    // The carried-over identity now holds the tenant, so an account of another tenant with the same
    // object id is someone else.
    const other = await repos.users.signIn({
      provider: 'microsoft',
      issuer: 'tenant-2',
      subject: 'oid-pat',
      email: 'pat@example.com',
      emailVerified: false,
      name: 'Not Pat',
    });
    expect(other.created).toBe(true);
    expect(other.user.id).not.toBe(owner);
  });

  it('finds a user who had no connection only by an email the provider verified', async () => {
    const db = await openAt(8);
    const lee = await insertUser(db, 'lee@example.com');
    await migrate(db);
    const repos = repositories(db);
    const unverified = await repos.users.signIn({
      provider: 'microsoft',
      issuer: 'tenant-9',
      subject: 'oid-x',
      email: 'lee@example.com',
      emailVerified: false,
      name: 'X',
    });
    expect(unverified.user.id).not.toBe(lee);
    const verified = await repos.users.signIn({
      provider: 'google',
      issuer: 'accounts.google.com',
      subject: '1234',
      email: 'lee@example.com',
      emailVerified: true,
      name: 'Lee',
    });
    expect(verified).toMatchObject({ created: false, user: { id: lee } });
  });

  it('a first sign-in that races another with the same account ends with that one user', async () => {
    const db = await openAt(9);
    const input = {
      provider: 'google' as const,
      issuer: 'accounts.google.com',
      subject: 'sub-race',
      email: 'race@example.com',
      emailVerified: true,
      name: 'Race',
    };
    // A signs in and holds its transaction open; B starts meanwhile (it cannot see A's user yet) and
    // waits on A's identity row; then A commits.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signedIn!: () => void;
    const aSignedIn = new Promise<void>((resolve) => (signedIn = resolve));
    const a = db.transaction(async (tx) => {
      const result = await repositories(tx).users.signIn(input);
      signedIn();
      await held;
      return result;
    });
    await aSignedIn;
    const b = db.transaction((tx) => repositories(tx).users.signIn(input));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const [first, second] = await Promise.all([a, b]);
    expect(second.user.id).toBe(first.user.id);
    expect(second.created).toBe(false);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from users');
    expect(rows[0]!.n).toBe(1);
  });
});
