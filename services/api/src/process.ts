/**
 * The API process: parse config once, connect, serve, and shut down gracefully. `main.ts` runs it as
 * is; a test stack may hand it the clock its OAuth checks id_tokens against (a simulated world whose
 * provider lives ahead of the wall clock).
 */
import { join } from 'node:path';
import { loadConfigOrExit, type ApiEnv } from '@frontload/config';
import { openDatabase } from '@frontload/db';
import { createProducers, createRedisConnection } from '@frontload/jobs';
import { loggerOptions } from '@frontload/logging';
import { createOAuth, oauthSettingsFromEnv } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';

export interface ApiProcessOptions {
  /** The clock the OAuth flows check id_token times against (epoch ms); default the wall clock. */
  oauthNow?: () => number;
}

export async function runApiProcess(options: ApiProcessOptions = {}): Promise<void> {
  const env: ApiEnv = loadConfigOrExit('api');
  const db = await openDatabase({
    url: env.DATABASE_URL,
    pgliteDir: join(env.DATA_DIR, 'pglite'),
    applicationName: 'frontload-api',
  });
  const redis = createRedisConnection(env.REDIS_URL, { role: 'producer' });
  const producers = createProducers(redis, env.QUEUE_PREFIX);
  const oauth = createOAuth(oauthSettingsFromEnv(env), options.oauthNow);
  const app = await buildApp({
    db,
    redis,
    producers,
    oauth,
    vault: createTokenVault(env.TOKEN_SEALING_KEYS),
    publicUrl: env.PUBLIC_URL,
    sessionSecret: env.SESSION_SECRET,
    trustProxy: env.TRUST_PROXY.split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
    queuePrefix: env.QUEUE_PREFIX,
    adminEmails: env.ADMIN_EMAILS.split(',').filter((email) => email.trim() !== ''),
    adminSubjects: env.ADMIN_SUBJECTS.split(',').filter((subject) => subject.trim() !== ''),
    ...(env.METRICS_TOKEN === undefined ? {} : { metricsToken: env.METRICS_TOKEN }),
    webhookPolicy: { allowHttp: env.WEBHOOK_ALLOW_HTTP, allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK },
    logger: loggerOptions(env, 'api'),
  });
  app.addHook('onClose', async () => {
    await producers.close();
    redis.disconnect();
    await db.close();
  });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ host: env.HOST, port: env.PORT });
}
