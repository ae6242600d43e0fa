/**
 * One small query interface over two drivers: node-postgres against a real server (DATABASE_URL)
 * and embedded PGlite (a folder under DATA_DIR) when no server is configured. Repositories speak
 * only this interface, so the same SQL and migrations run on both.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly driver: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres connection string; when absent, PGlite stores its files in `pgliteDir` (or memory). */
  url?: string | undefined;
  pgliteDir?: string | undefined;
  /** Pool size for the Postgres driver. */
  maxConnections?: number;
  applicationName?: string;
}

// int8 and numeric come back as strings from node-postgres; the schema keeps counts in int4,
// so parse int8 (count(*)) as a number for parity with PGlite.
pg.types.setTypeParser(20, (value: string) => Number(value));

function postgresDatabase(options: DatabaseOptions & { url: string }): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    application_name: options.applicationName ?? 'frontload',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const run = async <R>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const result = await client.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  };
  return {
    driver: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client whose session dies (server restart, pg_terminate_backend) emits
      // 'error'; unheard, that ends the process. The failure reaches `fn` through its next query
      // instead, and the broken client is discarded rather than returned to the pool.
      let lost: Error | undefined;
      const onError = (error: Error) => void (lost = error);
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await fn({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => void (lost ??= rollbackError));
        throw error;
      } finally {
        client.off('error', onError);
        client.release(lost);
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

async function pgliteDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.pgliteDir) await mkdir(options.pgliteDir, { recursive: true });
  const db = await PGlite.create(options.pgliteDir);
  const run = async <R>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) => {
    const result = await target.query<R>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return {
    driver: 'pglite',
    query: (sql, params) => run(db, sql, params),
    exec: async (sql) => void (await db.exec(sql)),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({ query: (sql, params) => run(tx, sql, params), exec: async (sql) => void (await tx.exec(sql)) }),
      ),
    async ping() {
      await db.query('select 1');
    },
    close: () => db.close(),
  };
}

/** Opens the configured database: Postgres when `url` is set, else embedded PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? postgresDatabase({ ...options, url: options.url }) : pgliteDatabase(options);
}
