import { randomUUID } from 'node:crypto';
import type { AccountStore, ProviderKind, SandboxAccount } from './types.js';

export interface ResettableAccountStore extends AccountStore {
  clear(): void;
}

/** Sandbox users of both providers. An email is unique per provider, as it is at Google and Microsoft. */
export function createAccountStore(): ResettableAccountStore {
  const byId = new Map<string, SandboxAccount>();
  const key = (provider: ProviderKind, email: string) => `${provider}:${email.toLowerCase()}`;
  const byKey = new Map<string, SandboxAccount>();
  return {
    create(input) {
      const id = input.id ?? randomUUID().replaceAll('-', '').slice(0, 20);
      if (byId.has(id)) throw new AccountConflictError(`account id ${id} already exists`);
      if (byKey.has(key(input.provider, input.email))) {
        throw new AccountConflictError(`${input.provider} account ${input.email} already exists`);
      }
      const account: SandboxAccount = { ...input, id, email: input.email.toLowerCase() };
      byId.set(id, account);
      byKey.set(key(account.provider, account.email), account);
      return account;
    },
    get: (id) => byId.get(id),
    byEmail: (provider, email) => byKey.get(key(provider, email)),
    list: (provider) => [...byId.values()].filter((a) => provider === undefined || a.provider === provider),
    clear() {
      byId.clear();
      byKey.clear();
    },
  };
}

export class AccountConflictError extends Error {
  override name = 'AccountConflictError';
}
