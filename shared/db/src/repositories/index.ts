import type { Queryable } from '../database.js';
import { apiTokensRepository } from './api-tokens.js';
import { auditRepository } from './audit.js';
import { connectionsRepository } from './connections.js';
import { oauthStatesRepository } from './oauth-states.js';
import { sessionsRepository } from './sessions.js';
import { usersRepository } from './users.js';

export type { ApiTokenRow } from './api-tokens.js';
export type { AuditRow } from './audit.js';
export type { ConnectionRow, ConnectionStatus } from './connections.js';
export type { OAuthStateRow } from './oauth-states.js';
export type { UserRow } from './users.js';

/** Every repository over one connection or transaction. */
export function repositories(db: Queryable) {
  return {
    users: usersRepository(db),
    sessions: sessionsRepository(db),
    apiTokens: apiTokensRepository(db),
    audit: auditRepository(db),
    connections: connectionsRepository(db),
    oauthStates: oauthStatesRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
