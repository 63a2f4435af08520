import { setTimeout as delay } from 'node:timers/promises';
import { classifyNetworkError } from './network-error.classifier.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Only these may be repeated without risking a duplicate write. POST creates, PATCH `add` appends. */
const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);
/** 408 is Connect's "sync did not complete within timeout, please retry"; the 5xx are transient server states. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
/** Answered before the request is acted on (sync timeout, rate limit); a 5xx may come from a proxy after Connect did it. */
const NOT_APPLIED_STATUSES: ReadonlySet<number> = new Set([408, 429]);
/** A Retry-After longer than this is not waited out inside one caller's request: the error is returned instead. */
const MAX_RETRY_AFTER_MS = 10_000;
/** Upper bound of one backoff step, whatever the attempt number. */
const MAX_BACKOFF_MS = 5_000;

export interface RetrySettings {
  maxRetries: number;
  retryBaseMs: number;
  /** Injectable for tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<unknown>;
  /** Injectable for tests; defaults to Math.random. */
  random?: () => number;
}

/** The part of a response the policy looks at. */
export interface RetryableResponse {
  status: number;
  headers: Record<string, unknown>;
}

export interface RetryOutcome<R> {
  /** The last response, whatever its status. */
  response: R;
  /**
   * An attempt before it may have been applied by the server: its answer was lost (a connection reset) or was
   * a 5xx. A reset cannot tell a request that never arrived from one whose answer was cut, so it counts.
   */
  earlierAttemptMayHaveApplied: boolean;
}

/**
 * Exponential backoff with full jitter (a random wait in [0, base·2ⁿ]) so that many clients recovering
 * together do not retry in lockstep. Retries statuses in RETRYABLE_STATUSES and connection resets, and only
 * for idempotent methods. Each attempt is a fresh request; the caller's stream is only ever the final one.
 */
export class RetryPolicy {
  private readonly sleep: (ms: number) => Promise<unknown>;
  private readonly random: () => number;

  /** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
  static parseRetryAfterMs(value: unknown, now = Date.now()): number | undefined {
    if (typeof value !== 'string' || value === '') return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  }

  constructor(private readonly settings: RetrySettings) {
    this.sleep = settings.sleep ?? ((ms) => delay(ms));
    this.random = settings.random ?? Math.random;
  }

  /**
   * Runs `attempt` until it yields a final response or throws a final error. A response that is retried is
   * first passed to `discard` (to release a streamed body). The last response is returned even when its
   * status is an error (mapping it is the caller's job), with whether an earlier attempt may have been applied.
   * `budgetMs` bounds the whole call: each attempt is given what is left of it, and no retry starts (nor waits
   * for its backoff or Retry-After) past it; the last answer or error stands instead.
   */
  async run<R extends RetryableResponse>(
    method: HttpMethod,
    attempt: (remainingMs: number) => Promise<R>,
    discard?: (response: R) => void,
    budgetMs = Number.POSITIVE_INFINITY,
  ): Promise<RetryOutcome<R>> {
    const retries = IDEMPOTENT_METHODS.has(method) ? this.settings.maxRetries : 0;
    const started = Date.now();
    const remaining = () => budgetMs - (Date.now() - started);
    let earlierAttemptMayHaveApplied = false;
    for (let retry = 0; ; retry++) {
      let response: R;
      try {
        response = await attempt(remaining());
      } catch (error) {
        if (retry >= retries || classifyNetworkError(error).kind !== 'reset') throw error;
        const wait = this.backoffMs(retry);
        if (wait >= remaining()) throw error;
        earlierAttemptMayHaveApplied = true;
        await this.sleep(wait);
        continue;
      }
      if (retry >= retries || !RETRYABLE_STATUSES.has(response.status)) return { response, earlierAttemptMayHaveApplied };
      const wait = this.waitBeforeRetryMs(retry, response);
      if (wait === undefined || wait >= remaining()) return { response, earlierAttemptMayHaveApplied };
      if (!NOT_APPLIED_STATUSES.has(response.status)) earlierAttemptMayHaveApplied = true;
      discard?.(response);
      await this.sleep(wait);
    }
  }

  private waitBeforeRetryMs(retry: number, response: RetryableResponse): number | undefined {
    const backoff = this.backoffMs(retry);
    const retryAfterMs = RetryPolicy.parseRetryAfterMs(response.headers['retry-after']);
    if (retryAfterMs === undefined) return backoff;
    // Retry-After is a minimum; a long one is the server asking callers to go away for now.
    return retryAfterMs <= MAX_RETRY_AFTER_MS ? Math.max(retryAfterMs, backoff) : undefined;
  }

  private backoffMs(retry: number): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.settings.retryBaseMs * 2 ** retry);
    return Math.round(this.random() * ceiling);
  }
}
