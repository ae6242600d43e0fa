/**
 * The leases this process holds, per account, and the calls of this process waiting for one of them
 * to come back. Leases of one account are interchangeable (they only count requests in flight), so
 * a finished request gives back any lease of its account.
 */
export class LocalLeases {
  private readonly held = new Map<string, string[]>();
  private readonly waiters = new Map<string, Set<() => void>>();

  hold(key: string, leaseId: string): void {
    const list = this.held.get(key);
    if (list) list.push(leaseId);
    else this.held.set(key, [leaseId]);
  }

  holds(key: string): boolean {
    return (this.held.get(key)?.length ?? 0) > 0;
  }

  /** Removes and returns one lease of `key`, if this process holds any. */
  take(key: string): string | undefined {
    const list = this.held.get(key);
    const leaseId = list?.pop();
    if (list?.length === 0) this.held.delete(key);
    return leaseId;
  }

  /** Resolves true when a lease of `key` is given back (see {@link wake}), false after `timeoutMs`. */
  released(key: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, set);
      const done = (woken: boolean) => {
        clearTimeout(timer);
        set.delete(onWake);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
        resolve(woken);
      };
      const onWake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      set.add(onWake);
    });
  }

  /** Wakes the longest-waiting call for `key`, which then tries to take the freed place. */
  wake(key: string): void {
    const first = this.waiters.get(key)?.values().next();
    if (first && !first.done) first.value();
  }
}
