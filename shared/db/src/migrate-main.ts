/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
import { openDatabase } from './database.js';
import { migrate } from './migrate.js';

const env = loadConfigOrExit('api');
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  maxConnections: 1,
});
try {
  const applied = await migrate(db);
  process.stdout.write(
    applied.length === 0
      ? 'migrations: schema is up to date\n'
      : `migrations: applied ${applied.join(', ')}\n`,
  );
} finally {
  await db.close();
}
