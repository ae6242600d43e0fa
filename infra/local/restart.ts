/**
 * When `npm start` restarts a child process that exited on its own: at once after a run that lasted
 * (a crash after a while is worth one more try), with a doubling delay after runs that died soon
 * after starting (a crash loop should not spin a core), and not at all after too many of those in a
 * row (a broken build or config will not mend itself: say so and stop). Pure: the caller measures.
 */

export interface RestartPolicy {
  /** A run at least this long was healthy: the count of fast failures starts again. */
  stableAfterMs: number;
  /** Delay before the first restart after a fast failure; doubles with each one after it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Fast failures in a row after which the process is given up on. */
  maxFastFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  stableAfterMs: 30_000,
  firstDelayMs: 500,
  maxDelayMs: 15_000,
  maxFastFailures: 5,
};

export type RestartDecision =
  { action: 'restart'; delayMs: number; fastFailures: number } | { action: 'give-up'; fastFailures: number };

/** The restart state of one child process. */
export class RestartBackoff {
  private fastFailures = 0;

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** The process exited after running `ranMs`: what to do next. */
  exited(ranMs: number): RestartDecision {
    const { stableAfterMs, firstDelayMs, maxDelayMs, maxFastFailures } = this.policy;
    if (ranMs >= stableAfterMs) {
      this.fastFailures = 0;
      return { action: 'restart', delayMs: 0, fastFailures: 0 };
    }
    this.fastFailures += 1;
    if (this.fastFailures >= maxFastFailures) return { action: 'give-up', fastFailures: this.fastFailures };
    return {
      action: 'restart',
      delayMs: Math.min(firstDelayMs * 2 ** (this.fastFailures - 1), maxDelayMs),
      fastFailures: this.fastFailures,
    };
  }
}
