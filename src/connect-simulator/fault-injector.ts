import type { FaultKind, FaultSettings, FaultStep } from './simulator-options.types.js';

export interface FaultDecision {
  /** Wait before answering: latency, a scripted delay, or the sync-timeout hold. */
  delayMs: number;
  fault?: FaultKind;
  /** Status of an injected error answer (fault `error` or a scripted `sync-timeout`). */
  status?: number;
  retryAfterSeconds?: number;
}

const RETRYABLE_STATUSES = new Set([429, 503]);

export const DEFAULT_FAULTS: Readonly<FaultSettings> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  errorStatuses: [500, 503, 429],
  retryAfterSeconds: 1,
  syncTimeoutRate: 0,
  resetRate: 0,
  syncReady: true,
  script: [],
});

function checkRate(name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${name} must be a number between 0 and 1`);
}

function checkNonNegative(name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0)) throw new Error(`${name} must be a non-negative number`);
}

function checkStatus(name: string, value: unknown): void {
  if (!(Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599)) throw new Error(`${name} must be an HTTP error status (400-599)`);
}

function checkStep(step: FaultStep): void {
  if (typeof step !== 'object' || step === null) throw new Error('each script step must be an object');
  if (step.status !== undefined) checkStatus('script status', step.status);
  if (step.delayMs !== undefined) checkNonNegative('script delayMs', step.delayMs);
  if (step.retryAfterSeconds !== undefined) checkNonNegative('script retryAfterSeconds', step.retryAfterSeconds);
  if (step.reset !== undefined && typeof step.reset !== 'boolean') throw new Error('script reset must be a boolean');
  for (const key of ['method', 'pathIncludes'] as const) {
    if (step[key] !== undefined && typeof step[key] !== 'string') throw new Error(`script ${key} must be a string`);
  }
}

function validate(changes: Partial<FaultSettings>, settings: FaultSettings): void {
  const unknown = Object.keys(changes).filter((key) => !(key in DEFAULT_FAULTS));
  if (unknown.length > 0) throw new Error(`unknown fault settings: ${unknown.join(', ')}`);
  checkNonNegative('latencyMs', settings.latencyMs);
  checkNonNegative('retryAfterSeconds', settings.retryAfterSeconds);
  checkRate('errorRate', settings.errorRate);
  checkRate('syncTimeoutRate', settings.syncTimeoutRate);
  checkRate('resetRate', settings.resetRate);
  if (typeof settings.syncReady !== 'boolean') throw new Error('syncReady must be a boolean');
  if (!Array.isArray(settings.errorStatuses) || settings.errorStatuses.length === 0) throw new Error('errorStatuses must be a non-empty array');
  settings.errorStatuses.forEach((status) => checkStatus('errorStatuses', status));
  if (!Array.isArray(settings.script)) throw new Error('script must be an array of steps');
  settings.script.forEach(checkStep);
}

/** The n-th rated request fails when floor(n × rate) steps up: exact shares, no randomness. */
function fires(rate: number, n: number): boolean {
  return Math.floor(n * rate + 1e-9) > Math.floor((n - 1) * rate + 1e-9);
}

/**
 * Decides, deterministically, what fault each /v1 request meets. A scripted step is consumed by the first
 * later request it matches; other requests are counted and meet the rated faults (reset before sync timeout
 * before error when several fire on the same request).
 */
export class FaultInjector {
  private settings: FaultSettings;
  private rated = 0;
  private nextErrorStatus = 0;

  constructor(
    initial: Partial<FaultSettings>,
    /** How long a rated sync timeout holds the request before its 408, like OP_SYNC_TIMEOUT. */
    private readonly syncTimeoutMs: number,
  ) {
    this.settings = structuredClone(DEFAULT_FAULTS) as FaultSettings;
    this.update(initial);
  }

  current(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Merges `changes` (validated as a whole) and restarts the rate counters. */
  update(changes: Partial<FaultSettings>): void {
    const next = { ...this.settings, ...structuredClone(changes) };
    validate(changes, next);
    this.settings = next;
    this.rated = 0;
    this.nextErrorStatus = 0;
  }

  reset(): void {
    this.settings = structuredClone(DEFAULT_FAULTS) as FaultSettings;
    this.rated = 0;
    this.nextErrorStatus = 0;
  }

  get syncReady(): boolean {
    return this.settings.syncReady;
  }

  /** The server got the token it waited for: sync is ready, other faults and their counters stay as they are. */
  unlockSync(): void {
    this.settings.syncReady = true;
  }

  decide(method: string, path: string): FaultDecision {
    const { script, latencyMs } = this.settings;
    const stepIndex = script.findIndex((step) => this.matches(step, method, path));
    if (stepIndex >= 0) {
      const [step] = script.splice(stepIndex, 1);
      return this.scripted(step, latencyMs);
    }
    const n = ++this.rated;
    const { resetRate, syncTimeoutRate, errorRate, errorStatuses } = this.settings;
    if (fires(resetRate, n)) return { delayMs: latencyMs, fault: 'reset' };
    if (fires(syncTimeoutRate, n)) return { delayMs: latencyMs + this.syncTimeoutMs, fault: 'sync-timeout', status: 408 };
    if (fires(errorRate, n)) {
      const status = errorStatuses[this.nextErrorStatus++ % errorStatuses.length];
      return { delayMs: latencyMs, fault: 'error', status, retryAfterSeconds: this.retryAfter(status) };
    }
    return { delayMs: latencyMs };
  }

  private scripted(step: FaultStep, latencyMs: number): FaultDecision {
    const delayMs = latencyMs + (step.delayMs ?? 0);
    if (step.reset) return { delayMs, fault: 'reset' };
    if (step.status === undefined) return { delayMs };
    return {
      delayMs,
      fault: step.status === 408 ? 'sync-timeout' : 'error',
      status: step.status,
      retryAfterSeconds: step.retryAfterSeconds ?? this.retryAfter(step.status),
    };
  }

  private retryAfter(status: number): number | undefined {
    return RETRYABLE_STATUSES.has(status) && this.settings.retryAfterSeconds > 0 ? this.settings.retryAfterSeconds : undefined;
  }

  private matches(step: FaultStep, method: string, path: string): boolean {
    return (!step.method || step.method.toUpperCase() === method) && (!step.pathIncludes || path.includes(step.pathIncludes));
  }
}
