import { randomUUID } from 'node:crypto';
import type { FaultInjector, FaultRule, ProviderKind } from './types.js';

type PushFault = Parameters<FaultInjector['setPushFault']>[0];

export interface SandboxFaultInjector extends FaultInjector {
  /** The first live rule matching a request, consuming one use of a counted rule. */
  match(request: { provider: ProviderKind; route: string; accountId?: string }): FaultRule | undefined;
  /** Pending push faults (for the control API). */
  pushFaults(): PushFault[];
}

/**
 * Fault rules per route. `rate` draws from a seeded generator (mulberry32) so a chaos test with a
 * fixed seed fails the same requests on every run.
 */
export function createFaultInjector(seed = 0x5eed): SandboxFaultInjector {
  let rules: FaultRule[] = [];
  let pushFaults: PushFault[] = [];
  const random = mulberry32(seed);
  return {
    add(rule) {
      const created: FaultRule = { ...rule, id: randomUUID() };
      rules.push(created);
      return created;
    },
    list: () => rules.map((r) => ({ ...r })),
    remove(id) {
      const before = rules.length;
      rules = rules.filter((r) => r.id !== id);
      return rules.length < before;
    },
    clear() {
      rules = [];
      pushFaults = [];
    },
    match(request) {
      const rule = rules.find((r) => ruleMatches(r, request));
      if (!rule) return undefined;
      if (rule.rate !== undefined && random() >= rule.rate) return undefined;
      if (rule.count !== undefined) {
        rule.count -= 1;
        if (rule.count <= 0) rules = rules.filter((r) => r !== rule);
      }
      return { ...rule };
    },
    setPushFault(fault) {
      if (fault.count > 0) pushFaults.push({ ...fault });
    },
    takePushFault(provider, accountId) {
      const fault = pushFaults.find(
        (f) =>
          (f.provider === undefined || f.provider === provider) &&
          (f.accountId === undefined || f.accountId === accountId),
      );
      if (!fault) return undefined;
      fault.count -= 1;
      if (fault.count <= 0) pushFaults = pushFaults.filter((f) => f !== fault);
      return { mode: fault.mode, ...(fault.delayMs === undefined ? {} : { delayMs: fault.delayMs }) };
    },
    pushFaults: () => pushFaults.map((f) => ({ ...f })),
  };
}

function ruleMatches(
  rule: FaultRule,
  request: { provider: ProviderKind; route: string; accountId?: string },
): boolean {
  if (rule.provider !== undefined && rule.provider !== request.provider) return false;
  if (rule.accountId !== undefined && rule.accountId !== request.accountId) return false;
  if (rule.route === '*') return true;
  if (rule.route.endsWith('*')) return request.route.startsWith(rule.route.slice(0, -1));
  return rule.route === request.route;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
