export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerSettings {
  breakerThreshold: number;
  breakerCooldownMs: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

/** While a half-open trial is in flight, other callers are told to come back after this long. */
const TRIAL_IN_FLIGHT_RETRY_MS = 1_000;

/**
 * Per-client breaker so a dead Connect server fails fast instead of holding every caller for the full
 * timeout and retries. Only failures that say "the server is down" count (the caller decides which);
 * any answer that shows the server alive, a 4xx included, resets the count.
 *
 * closed → (threshold consecutive failures) → open → (cooldown) → half-open: one trial request passes;
 * its success closes the circuit, its failure opens it for another cooldown.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private readonly now: () => number;

  constructor(private readonly settings: CircuitBreakerSettings) {
    this.now = settings.now ?? Date.now;
  }

  get currentState(): CircuitState {
    return this.state;
  }

  /** 0 when the request may go ahead; otherwise how many ms until it is worth trying again. */
  admit(): number {
    if (this.state === 'closed') return 0;
    if (this.state === 'half-open') return TRIAL_IN_FLIGHT_RETRY_MS;
    const remaining = this.openedAt + this.settings.breakerCooldownMs - this.now();
    if (remaining > 0) return remaining;
    this.state = 'half-open';
    return 0;
  }

  onSuccess(): void {
    this.state = 'closed';
    this.failures = 0;
  }

  /** An admitted call that was called off before it was sent: a half-open trial is handed to the next caller. */
  abandon(): void {
    // The cooldown has already passed, so the next admit() starts a new trial.
    if (this.state === 'half-open') this.state = 'open';
  }

  onFailure(): void {
    this.failures++;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.settings.breakerThreshold)) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }
}
