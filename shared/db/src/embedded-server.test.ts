import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-server.js';
import { migrate } from './migrate.js';

describe('embedded PGlite served over the Postgres wire protocol', () => {
  let dir: string;
  let server: EmbeddedServer;
  let a: Database;
  let b: Database;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fl-pglite-'));
    server = await startEmbeddedPostgres({ dir });
    a = await openDatabase({ url: server.url, maxConnections: 2 });
    b = await openDatabase({ url: server.url, maxConnections: 2 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets two processes-worth of clients migrate and share one embedded database', async () => {
    expect((await migrate(a)).length).toBeGreaterThan(0);
    expect(await migrate(b)).toEqual([]);
    await a.query(`insert into users (email) values ('shared@example.com')`);
    const { rows } = await b.query<{ email: string }>('select email from users');
    expect(rows.map((r) => r.email)).toEqual(['shared@example.com']);
  });

  it('keeps another client out of an open transaction until it commits', async () => {
    let inside!: () => void;
    const held = new Promise<void>((resolve) => (inside = resolve));
    const tx = a.transaction(async (t) => {
      await t.query(`insert into users (email) values ('tx@example.com')`);
      inside();
      await new Promise((r) => setTimeout(r, 200));
    });
    await held;
    // b's read is queued behind the transaction, so it sees the committed row, never a half state.
    const { rows } = await b.query<{ n: number }>(
      `select count(*)::int as n from users where email = 'tx@example.com'`,
    );
    await tx;
    expect(rows[0]?.n).toBe(1);
  });
});
