/**
 * Applies the numbered SQL files in shared/db/migrations in order, all in one transaction
 * (a half-applied schema is never left behind), recording them in schema_migrations. Running it again applies nothing. A Postgres advisory lock
 * keeps two processes (say, two API replicas starting together) from migrating at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.js';

export const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
const LOCK_KEY = 7_461_301; // arbitrary, constant: "frontload migrations"

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, dir), 'utf8'),
    })),
  );
}

/** Returns the names of the migrations it applied (empty when the schema was up to date). */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: string[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.name);
    }
    return applied;
  });
}
