/**
 * Builds the API on a throwaway Postgres database and the shared Redis (queues under a random
 * prefix), with helpers to sign a user in. For this package's tests and the suites in tests/.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_SEALING_KEY, isLocalHttpUrl } from '@frontload/config';
import { migrate, openDatabase, repositories, type Database } from '@frontload/db';
import { createProducers, createRedisConnection, type Producers } from '@frontload/jobs';
import { createOAuth, type OAuthSettings } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import { TEST_REDIS_URL, createTestDatabase } from '@frontload/testing';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp, type AppDependencies } from '../src/app.js';
import { hashSecret, newSecret, sessionCookieName } from '../src/plugins/auth.js';
import { CSRF_HEADER, csrfCookieName } from '../src/plugins/security.js';

import { openStream, type Stream } from './sse-client.js';

export { openStream, type Received, type Stream } from './sse-client.js';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  /** The throwaway database's URL, for worker processes a test starts beside the app. */
  databaseUrl: string;
  producers: Producers;
  /** The app's Redis connection (queues, rate limits, user event channels). */
  redis: Redis;
  prefix: string;
  /**
   * Creates a user (with a Google identity whose email Google verified, as a sign-in makes) and a
   * live session; returns the cookie header to send, and `headers` for writes
   * (the session and CSRF cookies plus the `x-csrf-token` header).
   */
  signIn(email: string): Promise<{ userId: string; cookie: string; headers: Record<string, string> }>;
  /** Fetches a CSRF token for a session cookie, as the settings page does before its first write. */
  csrfHeaders(cookie: string): Promise<Record<string, string>>;
  /**
   * Opens the live event stream as a page would, over real HTTP (the app listens on a free port the
   * first time); every stream opened is closed with the app.
   */
  stream(cookie?: string, options?: Parameters<typeof openStream>[2]): Promise<Stream>;
  close(): Promise<void>;
}

/** OAuth settings pointing both providers at one sandbox URL, as `npm start` does. */
export function sandboxOAuthSettings(sandboxUrl: string, publicUrl = 'http://localhost:3000'): OAuthSettings {
  return {
    publicUrl,
    google: { clientId: 'frontload-local', clientSecret: 'frontload-local-secret', oauthBaseUrl: sandboxUrl },
    microsoft: {
      clientId: 'frontload-local',
      clientSecret: 'frontload-local-secret',
      tenant: 'common',
      loginBaseUrl: sandboxUrl,
    },
  };
}

export async function buildTestApp(
  overrides: Partial<AppDependencies> & { sandboxUrl?: string } = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 4 });
  await migrate(db);
  const redis = createRedisConnection(TEST_REDIS_URL, { role: 'producer' });
  const prefix = `{test-${randomUUID().slice(0, 8)}}`;
  const producers = createProducers(redis, prefix);
  const { sandboxUrl = 'http://127.0.0.1:9', ...rest } = overrides;
  const app = await buildApp({
    db,
    redis,
    producers,
    oauth: createOAuth(sandboxOAuthSettings(sandboxUrl, rest.publicUrl)),
    vault: createTokenVault(DEVELOPMENT_SEALING_KEY),
    queuePrefix: prefix,
    ...rest,
  });
  const repos = repositories(db);
  // Cookie names as the app uses them: `__Host-` prefixed when PUBLIC_URL is not local http.
  const secure = rest.publicUrl !== undefined && !isLocalHttpUrl(rest.publicUrl);
  const SESSION_COOKIE = sessionCookieName(secure);
  const CSRF_COOKIE = csrfCookieName(secure);
  const csrfHeaders = async (cookie: string) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/csrf-token', headers: { cookie } });
    const secret = res.cookies.find((c) => c.name === CSRF_COOKIE)?.value;
    if (!secret) throw new Error(`no ${CSRF_COOKIE} cookie in the csrf-token answer (${res.statusCode})`);
    return {
      cookie: `${cookie}; ${CSRF_COOKIE}=${secret}`,
      [CSRF_HEADER]: res.json<{ token: string }>().token,
    };
  };
  let base: string | undefined;
  const streams: Stream[] = [];
  return {
    app,
    db,
    databaseUrl: testDb.url,
    producers,
    redis,
    prefix,
    csrfHeaders,
    async signIn(email) {
      const user = await repos.users.upsertByEmail({ email, name: email.split('@')[0]! });
      await repos.identities.link(user.id, {
        provider: 'google',
        issuer: 'accounts.google.com',
        subject: `test-${user.id}`,
        email: email.toLowerCase(),
        emailVerified: true,
      });
      const token = newSecret();
      const expiresAt = new Date(Date.now() + 3_600_000);
      await repos.sessions.create({ tokenHash: hashSecret(token), userId: user.id, expiresAt });
      const cookie = `${SESSION_COOKIE}=${token}`;
      return { userId: user.id, cookie, headers: await csrfHeaders(cookie) };
    },
    async stream(cookie, options) {
      if (!base) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      const stream = await openStream(base, cookie, options);
      streams.push(stream);
      return stream;
    },
    async close() {
      for (const stream of streams) stream.close();
      await app.close();
      await producers.close();
      redis.disconnect();
      await db.close();
      await testDb.drop();
    },
  };
}
