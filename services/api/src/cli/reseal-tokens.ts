/**
 * `npm run tokens:reseal`: key rotation for sealed secrets. Put the new key first in
 * TOKEN_SEALING_KEYS (keep the old one after it, so everything still unseals), run this, then drop
 * the old key. Every OAuth token set and webhook secret sealed under an older key is sealed again
 * under the first one; a row changed meanwhile (a token refreshed) is left for the next run.
 */
import { join } from 'node:path';
import { loadConfigOrExit } from '@frontload/config';
import { createTokenVault, resealAll } from '@frontload/security';
import { openDatabase, repositories } from '@frontload/db';

const env = loadConfigOrExit('api');
const vault = createTokenVault(env.TOKEN_SEALING_KEYS);
const db = await openDatabase({
  url: env.DATABASE_URL,
  pgliteDir: join(env.DATA_DIR, 'pglite'),
  maxConnections: 1,
});

const repos = repositories(db);
const targets = [
  {
    table: 'connections',
    rows: () => repos.connections.allSealedTokens(),
    replace: repos.connections.replaceSealedTokens,
  },
  {
    table: 'webhook_endpoints',
    rows: async () => (await repos.webhooks.allSealedSecrets()).map((r) => ({ ...r, provider: 'webhook' })),
    replace: repos.webhooks.replaceSealedSecrets,
  },
] as const;

try {
  for (const target of targets) {
    const rows = await target.rows();
    const result = resealAll(
      rows.map((r) => ({ id: r.id, sealed: r.sealed, context: { userId: r.user_id, provider: r.provider } })),
      vault,
    );
    let written = 0;
    // Compare-and-set: only where the column still holds what we read.
    for (const row of result.resealed)
      if (await target.replace(row.id, row.sealed, row.previous)) written += 1;
    process.stdout.write(
      `${target.table}: ${written} resealed under ${vault.primaryKeyId}, ${result.unchanged.length} already current, ${result.failed.length} could not be unsealed\n`,
    );
    if (result.failed.length > 0) process.exitCode = 1;
  }
} finally {
  await db.close();
}
