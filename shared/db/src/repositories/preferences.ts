/**
 * The user's planning preferences (table `preferences`, one JSON document per user). There is one
 * read: the API, the planner, the apply guard and the notifier all get the document validated the
 * same way (`storedPreferences` of @frontload/domain: an invalid or missing document reads as the
 * defaults).
 */
import { storedPreferences, type Preferences } from '@frontload/domain';
import type { Queryable } from '../database.js';

export const preferencesRepository = (db: Queryable) => ({
  async get(userId: string): Promise<Preferences> {
    const { rows } = await db.query<{ data: unknown }>('select data from preferences where user_id = $1', [
      userId,
    ]);
    return storedPreferences(rows[0]?.data);
  },

  /** Replaces the user's whole document (already checked by the caller). */
  async save(userId: string, preferences: Preferences, at: Date): Promise<void> {
    await db.query(
      `insert into preferences (user_id, data, updated_at) values ($1, $2::jsonb, $3)
       on conflict (user_id) do update set data = excluded.data, updated_at = excluded.updated_at`,
      [userId, JSON.stringify(preferences), at],
    );
  },
});
