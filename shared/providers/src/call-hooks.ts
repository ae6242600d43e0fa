/**
 * Hooks around every provider request, so the layers above can watch and pace calls without the
 * adapters knowing about them: metrics count each call by provider, route and status, and the
 * per-account limiter admits a call (or defers the job) before it is sent and releases it after.
 */
import { ProviderError, type ProviderKind } from './provider-error.js';

/** One request about to be sent: which provider, which API route (`events.list`), which account. */
export interface ProviderCall {
  provider: ProviderKind;
  route: string;
  /** The connected account the call is made for (its address), when the adapter knows it. */
  account?: string;
}

/** How a request ended: its HTTP status, or `network` when no response came back. */
export interface ProviderCallOutcome extends ProviderCall {
  status: number | 'network';
  durationMs: number;
  error?: ProviderError;
}

/** Called around each request. `before` may throw (a `rate_limited` ProviderError defers the job). */
export interface ProviderCallHook {
  before?(call: ProviderCall): Promise<void> | void;
  after?(outcome: ProviderCallOutcome): Promise<void> | void;
}

/** Runs `send` between the hooks' `before` and `after`; a failure is mapped by `toError` and rethrown. */
export async function withCallHooks<T>(
  hooks: readonly ProviderCallHook[] | undefined,
  call: ProviderCall,
  send: () => Promise<T>,
  toError: (error: unknown) => ProviderError,
): Promise<T> {
  const list = hooks ?? [];
  for (const hook of list) await hook.before?.(call);
  const started = performance.now();
  const finish = async (status: number | 'network', error?: ProviderError) => {
    const outcome: ProviderCallOutcome = {
      ...call,
      status,
      durationMs: performance.now() - started,
      ...(error ? { error } : {}),
    };
    for (const hook of list) await hook.after?.(outcome);
  };
  try {
    const result = await send();
    await finish(200);
    return result;
  } catch (error) {
    const mapped = toError(error);
    await finish(mapped.details.status ?? 'network', mapped);
    throw mapped;
  }
}
