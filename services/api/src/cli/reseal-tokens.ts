/**
 * `npm run tokens:reseal`: key rotation for sealed secrets. Put the new key first in
 * TOKEN_SEALING_KEYS (keep the old one after it, so everything still unseals), run this, then drop
 * the old key. Every OAuth token set and webhook secret sealed under an older key is sealed again
 * under the first one; a row changed meanwhile (a token refreshed) is left for the next run.
 */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
import { createTokenVault, resealAll } from '@frontload/security';
import { openDatabase } from '@frontload/db';

const env = loadConfigOrExit('api');
const vault = createTokenVault(env.TOKEN_SEALING_KEYS);
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  maxConnections: 1,
});

const targets = [
  {
    table: 'connections',
    column: 'sealed_tokens',
    provider: (row: { provider?: string }) => row.provider ?? '',
  },
  { table: 'webhook_endpoints', column: 'sealed_secrets', provider: () => 'webhook' },
] as const;

try {
  for (const target of targets) {
    const { rows } = await db.query<{ id: string; user_id: string; sealed: string; provider?: string }>(
      `select id, user_id, ${target.column} as sealed${target.table === 'connections' ? ', provider' : ''} from ${target.table}`,
    );
    const result = resealAll(
      rows.map((r) => ({
        id: r.id,
        sealed: r.sealed,
        context: { userId: r.user_id, provider: target.provider(r) },
      })),
      vault,
    );
    let written = 0;
    for (const row of result.resealed) {
      // Compare-and-set: only where the column still holds what we read.
      const { rowCount } = await db.query(
        `update ${target.table} set ${target.column} = $2 where id = $1 and ${target.column} = $3`,
        [row.id, row.sealed, row.previous],
      );
      written += rowCount;
    }
    process.stdout.write(
      `${target.table}: ${written} resealed under ${vault.primaryKeyId}, ${result.unchanged.length} already current, ${result.failed.length} could not be unsealed\n`,
    );
    if (result.failed.length > 0) process.exitCode = 1;
  }
} finally {
  await db.close();
}
