import { resolve } from 'node:path';
import { EnvironmentSchema } from './environment.schema.js';

/** Typed, validated configuration. Injected everywhere instead of reading the environment. */
export class AppConfig {
  constructor(private readonly env: EnvironmentSchema) {}

  get nodeEnv() { return this.env.NODE_ENV; }
  get isProduction() { return this.env.NODE_ENV === 'production'; }
  get port() { return this.env.PORT; }
  get host() { return this.env.HOST; }
  get logLevel() { return this.env.LOG_LEVEL; }
  get dataDir() { return resolve(this.env.DATA_DIR); }
  get platformApiKey() { return this.env.PLATFORM_API_KEY; }
  get redisUrl() { return this.env.REDIS_URL; }

  get database() {
    return {
      url: this.env.DATABASE_URL,
      embedded: this.env.DATABASE_URL === undefined,
      appRole: this.env.DATABASE_APP_ROLE,
      poolSize: this.env.DATABASE_POOL_SIZE,
    };
  }

  get encryption() {
    return { keys: this.env.ENCRYPTION_KEYS, primaryKeyId: this.env.ENCRYPTION_PRIMARY_KEY_ID };
  }

  get connect() {
    return {
      connectTimeoutMs: this.env.CONNECT_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: this.env.CONNECT_REQUEST_TIMEOUT_MS,
      maxRetries: this.env.CONNECT_MAX_RETRIES,
      retryBaseMs: this.env.CONNECT_RETRY_BASE_MS,
      maxSockets: this.env.CONNECT_MAX_SOCKETS,
      breakerThreshold: this.env.CONNECT_BREAKER_THRESHOLD,
      breakerCooldownMs: this.env.CONNECT_BREAKER_COOLDOWN_MS,
    };
  }

  get rateLimits() {
    return {
      tenantPerMinute: this.env.RATE_LIMIT_TENANT_PER_MINUTE,
      accountPerMinute: this.env.RATE_LIMIT_ACCOUNT_PER_MINUTE,
      redisUrl: this.env.REDIS_URL,
      redisPrefix: this.env.RATE_LIMIT_REDIS_PREFIX,
    };
  }

  get audit() {
    return { retentionMonths: this.env.AUDIT_RETENTION_MONTHS, writeTimeoutMs: this.env.AUDIT_WRITE_TIMEOUT_MS };
  }
}
