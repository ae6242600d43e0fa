import type { Queryable } from '../database.js';
import { alertStatesRepository, notSeenAlertsRepository } from './alert-states.js';
import { apiTokensRepository } from './api-tokens.js';
import { auditRepository } from './audit.js';
import { connectionsRepository } from './connections.js';
import { identitiesRepository } from './identities.js';
import { oauthStatesRepository } from './oauth-states.js';
import { plansRepository } from './plans.js';
import { sessionsRepository } from './sessions.js';
import { usersRepository } from './users.js';
import { mirrorRepository } from './mirror.js';
import { syncStateRepository } from './sync-state.js';
import { webhooksRepository } from './webhooks.js';
import { preferencesRepository } from './preferences.js';
import { peopleRepository } from './people.js';
import { weekViewRepository } from './week-view.js';
import { locksRepository } from './locks.js';

export type { ApiTokenRow } from './api-tokens.js';
export type { AuditRow } from './audit.js';
export type { ConnectionRow, ConnectionStatus } from './connections.js';
export type { IdentityInput, IdentityRow } from './identities.js';
export type { OAuthStateRow } from './oauth-states.js';
export type { NewOperation, OperationRow, OperationStatus, PlanRow, PlanState } from './plans.js';
export type { UserRow } from './users.js';
export type { AlertStateRow, NotSeenGap } from './alert-states.js';
export type { MirrorApplyResult, MirrorChange, MirrorRepository } from './mirror.js';
export type { StoredPush, SyncStateRepository } from './sync-state.js';
export type { WebhookDeliveryRow, WebhookEndpointRow } from './webhooks.js';
export type { DetectedPersonRow, LastSeenRow, PersonRow } from './people.js';
export type { WeekViewRow } from './week-view.js';
export { STUCK_DELIVERY_MS, isStuckDelivery } from './webhooks.js';

/** Every repository over one connection or transaction. */
export function repositories(db: Queryable) {
  return {
    users: usersRepository(db),
    identities: identitiesRepository(db),
    sessions: sessionsRepository(db),
    apiTokens: apiTokensRepository(db),
    audit: auditRepository(db),
    connections: connectionsRepository(db),
    oauthStates: oauthStatesRepository(db),
    webhooks: webhooksRepository(db),
    plans: plansRepository(db),
    alertStates: alertStatesRepository(db),
    notSeenAlerts: notSeenAlertsRepository(db),
    mirror: mirrorRepository(db),
    syncState: syncStateRepository(db),
    preferences: preferencesRepository(db),
    people: peopleRepository(db),
    weekView: weekViewRepository(db),
    locks: locksRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
