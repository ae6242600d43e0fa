import { createAccountStore, type ResettableAccountStore } from './accounts.js';
import { createClock, type ClockMode } from './clock.js';
import { createFaultInjector, type SandboxFaultInjector } from './faults.js';
import { createPushDeliverer, type SandboxPushDeliverer } from './push.js';
import { createRequestLog, type SandboxRequestLog } from './request-log.js';
import { createTokenStore, type ResettableTokenStore } from './tokens.js';
import type { ProviderControl, ProviderKind, SandboxCore } from './types.js';

export interface CoreOptions {
  publicUrl: string;
  /** Where browsers reach the sandbox, when not at `publicUrl` (containers call it by service name). */
  browserUrl?: string | undefined;
  controlEnabled: boolean;
  allowHttpPush: boolean;
  startAtMs: number;
  clockMode?: ClockMode;
  faultSeed?: number;
}

/** The core with the concrete (resettable, inspectable) stores that the app and control API use. */
export interface SandboxRuntime extends SandboxCore {
  accounts: ResettableAccountStore;
  tokens: ResettableTokenStore;
  log: SandboxRequestLog;
  faults: SandboxFaultInjector;
  push: SandboxPushDeliverer;
  providers(): [ProviderKind, ProviderControl][];
  /** Changes the public URL (tests listen on port 0 and learn the address afterwards). */
  setPublicUrl(url: string): void;
  /** Forgets everything: accounts, tokens, faults, log, pushes and every provider's state. */
  reset(): void;
}

export function createSandboxCore(options: CoreOptions): SandboxRuntime {
  const clock = createClock(options.startAtMs, options.clockMode);
  const faults = createFaultInjector(options.faultSeed);
  const accounts = createAccountStore();
  const tokens = createTokenStore(clock);
  const log = createRequestLog(clock);
  const push = createPushDeliverer(clock, faults);
  const controls = new Map<ProviderKind, ProviderControl>();
  // Trailing slashes are dropped so `${baseUrl()}/calendar/v3/...` never doubles them.
  let base = options.publicUrl.replace(/\/+$/, '');
  const browser = options.browserUrl?.replace(/\/+$/, '');
  return {
    clock,
    accounts,
    tokens,
    log,
    faults,
    push,
    baseUrl: () => base,
    browserUrl: () => browser ?? base,
    controlEnabled: options.controlEnabled,
    allowHttpPush: options.allowHttpPush,
    registerProvider(kind, control) {
      if (controls.has(kind)) throw new Error(`provider ${kind} is already registered`);
      controls.set(kind, control);
    },
    provider: (kind) => controls.get(kind),
    providers: () => [...controls.entries()],
    setPublicUrl: (url) => void (base = url.replace(/\/+$/, '')),
    reset() {
      for (const control of controls.values()) control.reset();
      accounts.clear();
      tokens.clear();
      faults.clear();
      log.clear();
      push.clear();
    },
  };
}
