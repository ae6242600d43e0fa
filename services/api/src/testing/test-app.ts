/**
 * Builds the API on a throwaway Postgres database and the shared Redis, with helpers to sign a
 * user in. For this package's tests and the cross-process suites in tests/.
 */
import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import { TEST_REDIS_URL, createTestDatabase } from '@frontload/testing';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp, type AppDependencies } from '../app.js';
import { SESSION_COOKIE, hashSecret, newSecret } from '../plugins/auth.js';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  /** Creates a user and a live session; returns the cookie header to send. */
  signIn(email: string): Promise<{ userId: string; cookie: string }>;
  close(): Promise<void>;
}

export async function buildTestApp(overrides: Partial<AppDependencies> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 4 });
  await migrate(db);
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  const app = await buildApp({ db, redis, ...overrides });
  const repos = repositories(db);
  return {
    app,
    db,
    async signIn(email) {
      const user = await repos.users.upsertByEmail({ email, name: email.split('@')[0]! });
      const token = newSecret();
      await repos.sessions.create({
        tokenHash: hashSecret(token),
        userId: user.id,
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      return { userId: user.id, cookie: `${SESSION_COOKIE}=${token}` };
    },
    async close() {
      await app.close();
      redis.disconnect();
      await db.close();
      await testDb.drop();
    },
  };
}
