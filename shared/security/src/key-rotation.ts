/**
 * Key rotation, as a pure step the database command wraps: the command reads sealed columns in
 * batches, calls {@link resealAll}, writes back `resealed` (ideally with a compare-and-set on the old
 * value, so a token refreshed meanwhile is not overwritten) and reports `failed`. Rotation procedure:
 * put the new key first in TOKEN_SEALING_KEYS, deploy, run the command until nothing needs resealing,
 * then remove the old key.
 */
import { SecurityError } from './errors.js';
import type { TokenContext, TokenVault } from './token-vault.js';

/** One sealed value to rotate, with the id the caller uses to write it back (row id, or row id plus column). */
export interface SealedRow<Id> {
  readonly id: Id;
  readonly sealed: string;
  readonly context: TokenContext;
}

/** What {@link resealAll} did with each row; every input row lands in exactly one list. */
export interface ResealResult<Id> {
  /** Rows now sealed under the primary key: write `sealed` back (where the column still holds `previous`). */
  resealed: { id: Id; sealed: string; previous: string; previousKeyId: string }[];
  /** Rows already under the primary key. */
  unchanged: Id[];
  /** Rows that could not be unsealed (unknown key, tampered, wrong context); left as they were. */
  failed: { id: Id; error: SecurityError }[];
}

/**
 * Re-seals every row that is not under the vault's primary key. Never throws for one bad row: a
 * rotation over thousands of connections must finish and report, not stop at the first corrupt value.
 * Errors carry codes and key ids only, never plaintext.
 */
export function resealAll<Id>(rows: Iterable<SealedRow<Id>>, vault: TokenVault): ResealResult<Id> {
  const result: ResealResult<Id> = { resealed: [], unchanged: [], failed: [] };
  for (const row of rows) {
    try {
      if (!vault.needsReseal(row.sealed)) {
        result.unchanged.push(row.id);
        continue;
      }
      const previousKeyId = vault.keyIdOf(row.sealed);
      const sealed = vault.reseal(row.sealed, row.context);
      result.resealed.push({ id: row.id, sealed, previous: row.sealed, previousKeyId });
    } catch (error) {
      const coded =
        error instanceof SecurityError
          ? error
          : new SecurityError('FL_TOKEN_UNSEAL_FAILED', 'Token could not be resealed.', { cause: error });
      result.failed.push({ id: row.id, error: coded });
    }
  }
  return result;
}
