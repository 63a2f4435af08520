import type { ThrottlerStorage } from '@nestjs/throttler';

/** The counters (RedisRateLimitStorage when REDIS_URL is set, MemoryRateLimitStorage otherwise). */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');
/** The ThrottlerModuleOptions of the guard: one throttler per enabled limit. */
export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

export type RateLimitRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A storage the module can shut down. */
export interface ClosableThrottlerStorage extends ThrottlerStorage {
  close(): void | Promise<void>;
}

/** Names of the throttlers; the first part of every counter key. */
export const TENANT_THROTTLER = 'tenant';
export const ACCOUNT_THROTTLER = 'account';
export const WINDOW_MS = 60_000;
