import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { MemoryRateLimitStorage } from './memory-rate-limit.storage.js';
import { RateLimitGuard, rateLimitOptions } from './rate-limit.guard.js';
import { type ClosableThrottlerStorage, RATE_LIMIT_OPTIONS, RATE_LIMIT_STORAGE } from './rate-limit.tokens.js';

@Injectable()
class RateLimitShutdown implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: ClosableThrottlerStorage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

/**
 * Request limits per tenant and per connected account (RATE_LIMIT_*_PER_MINUTE), counted in Redis when
 * REDIS_URL is set (shared by every instance), in memory otherwise. AppModule must import this module AFTER
 * ApiKeysModule: global guards run in registration order, and the limits need the authenticated principal.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<ClosableThrottlerStorage> => {
        const { redisUrl, redisPrefix } = config.rateLimits;
        if (!redisUrl) return new MemoryRateLimitStorage();
        // Loaded only when used: ioredis holds 0.7 MB of heap in a process that never talks to Redis.
        const { RedisRateLimitStorage } = await import('./redis-rate-limit.storage.js');
        return RedisRateLimitStorage.connect(redisUrl, redisPrefix);
      },
    },
    { provide: RATE_LIMIT_OPTIONS, inject: [AppConfig], useFactory: (config: AppConfig) => rateLimitOptions(config.rateLimits) },
    RateLimitShutdown,
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitsModule {}
