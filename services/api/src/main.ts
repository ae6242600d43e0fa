/** API process entry: parse config once, connect, serve, and shut down gracefully. */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
import { openDatabase } from '@frontload/db';
import { createRedisConnection } from '@frontload/jobs';
import { loggerOptions } from '@frontload/logging';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';

const env = loadConfigOrExit('api');
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  applicationName: 'frontload-api',
});
const redis = createRedisConnection(env.REDIS_URL, { role: 'producer' });
const app = await buildApp({ db, redis, publicUrl: env.PUBLIC_URL, logger: loggerOptions(env, 'api') });
app.addHook('onClose', async () => {
  redis.disconnect();
  await db.close();
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});

await app.listen({ host: env.HOST, port: env.PORT });
