/** Postgres advisory locks, for work that must not run twice at once across processes. */
import type { Queryable } from '../database.js';

export const locksRepository = (db: Queryable) => ({
  /** Takes the lock named `key` until the surrounding transaction ends (call it inside one). */
  async holdForTransaction(key: string): Promise<void> {
    await db.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
  },
});
