import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { ClosableThrottlerStorage, RateLimitRecord } from './rate-limit.tokens.js';

/**
 * One round trip, atomic: count the hit in the key's fixed window (INCR, PEXPIRE on the first hit), and start a
 * block (its own key, PX blockDuration) the first time the count passes the limit. Returns hits, window ms left,
 * block ms left (negative: not blocked).
 */
const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft < 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blockLeft = tonumber(ARGV[3])
end
return { hits, windowLeft, blockLeft }
`;

type IncrementCommand = (windowKey: string, blockKey: string, ttl: number, limit: number, blockDuration: number) => Promise<[number, number, number]>;

/**
 * Rate-limit counters in Redis, shared by every instance that uses the same REDIS_URL and key prefix: the
 * same fixed-window semantics as MemoryRateLimitStorage. Keys are `<prefix>{<key>}` and `<prefix>{<key>}:block`
 * (one hash slot, so the script also runs on a cluster). Commands time out after 500 ms; the guard then lets the
 * request through (fail open) rather than make Redis a single point of failure.
 */
export class RedisRateLimitStorage implements ClosableThrottlerStorage {
  private readonly logger = new Logger('RateLimits');
  private readonly increment_: IncrementCommand;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('wrkRateLimitIncrement', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
    const command = (redis as unknown as { wrkRateLimitIncrement: IncrementCommand }).wrkRateLimitIncrement.bind(redis);
    this.increment_ = command;
  }

  /** Connects before the application serves requests; an unreachable Redis is logged and retried in the background. */
  static async connect(url: string, prefix: string): Promise<RedisRateLimitStorage> {
    // No offline queue: while Redis is down a count fails at once (the limiter lets the request through) instead of
    // holding every request for the 500 ms command timeout.
    const redis = new Redis(url, {
      lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500, connectTimeout: 2000, connectionName: 'wrk-onepassword-rate-limits',
    });
    const storage = new RedisRateLimitStorage(redis, prefix);
    redis.on('error', (error: Error) => storage.logger.warn(`Redis (rate limits): ${error.message}`));
    await redis.connect().catch((error: Error) => storage.logger.error(`Redis (rate limits) is unreachable, requests are not limited until it is: ${error.message}`));
    return storage;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<RateLimitRecord> {
    const windowKey = `${this.prefix}{${key}}`;
    const [hits, windowLeft, blockLeft] = await this.increment_(windowKey, `${windowKey}:block`, ttl, limit, blockDuration);
    const isBlocked = blockLeft > 0;
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(windowLeft / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil(blockLeft / 1000)) : 0,
    };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
