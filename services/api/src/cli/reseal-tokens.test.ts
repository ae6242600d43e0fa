import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { generateSealingKey, createTokenVault } from '@frontload/security';
import { migrate, openDatabase, repositories } from '@frontload/db';
import { createTestDatabase } from '@frontload/testing';
import { expect, it } from 'vitest';

it('reseals every stored token under the new first key while the old key still unseals them', async () => {
  const testDb = await createTestDatabase();
  const db = await openDatabase({ url: testDb.url, maxConnections: 1 });
  try {
    await migrate(db);
    const oldKey = generateSealingKey('old');
    const newKey = generateSealingKey('new');
    const before = createTokenVault(oldKey);
    const user = await repositories(db).users.upsertByEmail({ email: 'tlm@example.com', name: 'TLM' });
    const context = { userId: user.id, provider: 'google' };
    await repositories(db).connections.upsert({
      userId: user.id,
      provider: 'google',
      accountSubject: 's',
      accountEmail: 'tlm@example.com',
      sealedTokens: before.seal({ accessToken: 'a', refreshToken: 'r', expiresAt: 1, scopes: [] }, context),
      scopes: [],
    });
    const run = spawnSync(
      process.execPath,
      ['--conditions=@frontload/source', '--import', 'tsx', resolve(import.meta.dirname, 'reseal-tokens.ts')],
      {
        env: { ...process.env, DATABASE_URL: testDb.url, TOKEN_SEALING_KEYS: `${newKey},${oldKey}` },
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('connections: 1 resealed under new');
    const { rows } = await db.query<{ sealed_tokens: string }>('select sealed_tokens from connections');
    const after = createTokenVault(newKey);
    expect(after.keyIdOf(rows[0]!.sealed_tokens)).toBe('new');
    expect(after.unseal(rows[0]!.sealed_tokens, context)).toMatchObject({ refreshToken: 'r' });
  } finally {
    await db.close();
    await testDb.drop();
  }
}, 60_000);
