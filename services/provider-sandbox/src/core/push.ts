import type { FaultInjector, PushDeliverer, PushRequest, SandboxClock } from './types.js';

type Delivery = PushRequest & {
  at: number;
  status?: number;
  /** Why a POST got no answer (`TimeoutError`, `TypeError/ECONNRESET`) and after how many ms. */
  error?: { name: string; afterMs: number };
  fault?: 'drop' | 'duplicate' | 'delay';
};

export interface SandboxPushDeliverer extends PushDeliverer {
  delivered(): Delivery[];
  /** Resolves once every delivery started so far has finished (tests and graceful shutdown). */
  idle(): Promise<void>;
  /**
   * Holds every notification from now on until {@link release}: a test makes several changes and
   * lets the subscriber hear of them only afterwards, so it reads the calendar in a known state.
   */
  hold(): void;
  /**
   * Stops holding and delivers the held notifications, oldest first or (`reverse`) newest first;
   * push faults apply at release. Resolves with how many were released, once they are all sent.
   */
  release(options?: { reverse?: boolean }): Promise<number>;
  /** Notifications being held. */
  held(): number;
  clear(): void;
}

/**
 * POSTs notifications to subscribers. Delivery is best effort, like the real providers' (PROVIDERS.md
 * §3: "Notifications are not 100% reliable"): a failed POST is recorded, not retried, and push faults
 * can drop, duplicate or delay a message.
 */
export function createPushDeliverer(
  clock: SandboxClock,
  faults: FaultInjector,
  timeoutMs = 10_000,
): SandboxPushDeliverer {
  let log: Delivery[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const post = async (request: PushRequest, fault?: Delivery['fault']): Promise<number | undefined> => {
    const entry: Delivery = { ...request, at: clock.nowMs(), ...(fault ? { fault } : {}) };
    log.push(entry);
    const started = performance.now();
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      await response.body?.cancel();
      entry.status = response.status;
      return response.status;
    } catch (error) {
      // Unreachable or slow subscribers are the subscriber's problem; the entry keeps no status.
      const cause = (error as { cause?: { code?: string; name?: string } }).cause;
      const name = `${(error as Error).name}${cause ? `/${cause.code ?? cause.name}` : ''}`;
      entry.error = { name, afterMs: Math.round(performance.now() - started) };
      return undefined;
    }
  };
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  };
  let holding = false;
  let held: { request: PushRequest; settle: (status: number | undefined) => void }[] = [];
  const send = (request: PushRequest): Promise<number | undefined> => {
    const fault = faults.takePushFault(request.provider, request.accountId);
    if (fault?.mode === 'drop') {
      log.push({ ...request, at: clock.nowMs(), fault: 'drop' });
      return Promise.resolve(undefined);
    }
    if (fault?.mode === 'delay') {
      const delayed = new Promise<void>((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
      return track(delayed.then(() => post(request, 'delay')));
    }
    if (fault?.mode === 'duplicate') {
      return track(post(request).then(async (status) => (await post(request, 'duplicate')) ?? status));
    }
    return track(post(request));
  };
  return {
    deliver(request) {
      if (!holding) return send(request);
      return new Promise((settle) => held.push({ request, settle }));
    },
    hold: () => void (holding = true),
    async release({ reverse = false } = {}) {
      holding = false;
      const batch = reverse ? held.reverse() : held;
      held = [];
      await Promise.all(batch.map(async ({ request, settle }) => settle(await send(request))));
      return batch.length;
    },
    held: () => held.length,
    delivered: () => log.map((d) => ({ ...d, headers: { ...d.headers } })),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    clear() {
      log = [];
      holding = false;
      for (const { settle } of held) settle(undefined);
      held = [];
    },
  };
}
