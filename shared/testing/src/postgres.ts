/**
 * A throwaway Postgres database per test suite on the machine's real server, so suites never see
 * each other's rows. `TEST_DATABASE_URL` points at the admin database (default: local trust auth).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const TEST_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates an empty database named `fl_test_<random>`; `drop()` removes it (and its connections). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `fl_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(TEST_ADMIN_URL, name),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
