/**
 * The user's planning preferences (table `preferences`, one JSON document per user). There is one
 * read: the API, the planner, the apply guard and the notifier all get the document validated the
 * same way (`storedPreferences` of @frontload/domain: an invalid or missing document reads as the
 * defaults).
 */
import {
  DEFAULT_PREFERENCES,
  storedPreferences,
  type Preferences,
  type WorkingHours,
} from '@frontload/domain';
import type { Queryable } from '../database.js';

export const preferencesRepository = (db: Queryable) => ({
  async get(userId: string): Promise<Preferences> {
    const { rows } = await db.query<{ data: unknown }>('select data from preferences where user_id = $1', [
      userId,
    ]);
    return storedPreferences(rows[0]?.data);
  },

  /** Where the working hours came from: never set, the provider's mailbox settings, or the user. */
  async workingHoursSource(userId: string): Promise<'default' | 'provider' | 'user'> {
    const { rows } = await db.query<{ source: 'provider' | 'user' | 'default' }>(
      'select working_hours_source as source from preferences where user_id = $1',
      [userId],
    );
    return rows[0]?.source ?? 'default';
  },

  /**
   * Replaces the user's whole document (already checked by the caller). Working hours that differ
   * from the stored ones are the user's own from now on; the same hours keep their source.
   */
  async save(userId: string, preferences: Preferences, at: Date): Promise<void> {
    const hours = JSON.stringify(preferences.workingHours);
    const fresh = hours === JSON.stringify(DEFAULT_PREFERENCES.workingHours) ? 'default' : 'user';
    await db.query(
      `insert into preferences (user_id, data, updated_at, working_hours_source) values ($1, $2::jsonb, $3, $4)
       on conflict (user_id) do update set data = excluded.data, updated_at = excluded.updated_at,
         working_hours_source = case when preferences.data->'workingHours' = excluded.data->'workingHours'
                                     then preferences.working_hours_source else 'user' end`,
      [userId, JSON.stringify(preferences), at, fresh],
    );
  },

  /**
   * Takes the provider's working hours (Microsoft mailbox settings) as the user's, unless the user
   * edited theirs. Returns whether anything changed.
   */
  async adoptProviderWorkingHours(userId: string, hours: WorkingHours, at: Date): Promise<boolean> {
    // Only the hours change (jsonb_set), so a document the user saves meanwhile keeps its other fields.
    const { rowCount } = await db.query(
      `insert into preferences (user_id, data, updated_at, working_hours_source) values ($1, $2::jsonb, $3, 'provider')
       on conflict (user_id) do update set
         data = jsonb_set(preferences.data, '{workingHours}', excluded.data->'workingHours'),
         updated_at = excluded.updated_at, working_hours_source = 'provider'
       where preferences.working_hours_source <> 'user'
         and preferences.data->'workingHours' is distinct from excluded.data->'workingHours'`,
      [userId, JSON.stringify({ ...DEFAULT_PREFERENCES, workingHours: hours }), at],
    );
    return (rowCount ?? 0) > 0;
  },
});
