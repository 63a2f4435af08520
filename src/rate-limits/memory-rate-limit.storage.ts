import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RateLimitRecord } from './rate-limit.tokens.js';

interface Window {
  hits: number;
  /** End of the current window, epoch ms. */
  expiresAt: number;
  /** End of the block once the limit was exceeded, epoch ms (0: not blocked). */
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * In-process counters (REDIS_URL unset): a fixed window per key, the same semantics as RedisRateLimitStorage.
 * Used instead of @nestjs/throttler's ThrottlerStorageService, which keeps one timestamp per hit and filters
 * them all on every request (6000 per tenant at the default limit). O(1) per request; idle keys are swept.
 */
export class MemoryRateLimitStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<RateLimitRecord> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (window === undefined || (window.expiresAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, expiresAt: now + ttl, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    window.hits++;
    if (window.blockedUntil <= now && window.hits > limit) window.blockedUntil = now + blockDuration;
    const isBlocked = window.blockedUntil > now;
    return Promise.resolve({
      totalHits: window.hits,
      timeToExpire: Math.max(0, Math.ceil((window.expiresAt - now) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil((window.blockedUntil - now) / 1000)) : 0,
    });
  }

  close(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) if (window.expiresAt <= now && window.blockedUntil <= now) this.windows.delete(key);
  }
}
