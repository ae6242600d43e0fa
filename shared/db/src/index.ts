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
  type DetectedPersonRow,
  type LastSeenRow,
  type NotSeenGap,
  type PersonRow,
  type WeekViewRow,
  type MirrorApplyResult,
  type MirrorChange,
  type MirrorRepository,
  type StoredPush,
  type SyncStateRepository,
  type NewOperation,
  type OAuthStateRow,
  type OperationRow,
  type OperationStatus,
  type PlanRow,
  type PlanState,
  type Repositories,
  type UserRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from './repositories/index.js';
export { STUCK_DELIVERY_MS, isStuckDelivery } from './repositories/index.js';
export { mirrorRowToEvent } from './repositories/mirror.js';
export {
  intentRepository,
  type EvidenceRow,
  type IntentRepository,
  type NewOverride,
  type OverrideRow,
} from './repositories/intent.js';
