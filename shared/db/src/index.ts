export {
  openDatabase,
  type Database,
  type DatabaseOptions,
  type Queryable,
  type QueryResult,
} from './database.js';
export { loadMigrations, migrate, MIGRATIONS_DIR, type Migration } from './migrate.js';
export { startEmbeddedPostgres, type EmbeddedServer } from './embedded-server.js';
export {
  repositories,
  type AlertStateRow,
  type ApiTokenRow,
  type AuditRow,
  type ConnectionRow,
  type ConnectionStatus,
  type OAuthStateRow,
  type Repositories,
  type UserRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './repositories/index.js';
